import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { createQueueConsumer, type QueueMessageHandler } from "../../src/pipeline/queue";
import { createScheduledHandler } from "../../src/pipeline/scheduled";
import { Invocation } from "../../src/runtime/invocation";

function captureLines() {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(JSON.parse(line)));
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** A consumer over a test table (the Worker's own table is checked in handler-tables.test.ts). */
function consumer(
  main: Record<string, QueueMessageHandler>,
  deadLetter: Record<string, QueueMessageHandler> = {},
) {
  return createQueueConsumer({ main, deadLetter });
}

describe("queue consumer", () => {
  const message = (id: string, body: unknown) => ({ id, timestamp: new Date(), attempts: 1, body });

  it("acks handled messages, retries failed ones, drops unknown ones", async () => {
    const lines = captureLines();
    const seen: unknown[] = [];
    const queue = consumer({
      "test.ok": async (body) => void seen.push(body),
      "test.fails": async () => {
        throw new Error("transient");
      },
    });
    const batch = createMessageBatch("lightrag-edge-ingest-dev", [
      message("m1", { type: "test.ok", doc: "d1" }),
      message("m2", { type: "test.fails" }),
      message("m3", { type: "nobody.handles.this" }),
      message("m4", "not an object"),
    ]);
    const ctx = createExecutionContext();
    await queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(seen).toEqual([{ type: "test.ok", doc: "d1" }]);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m3", "m4"]);
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual(["m2"]);
    expect(lines.filter((line) => line.message === "unprocessable queue message dropped")).toHaveLength(2);
    expect(lines.find((line) => line.message === "queue message failed, will retry")).toMatchObject({
      level: "WARNING",
      error: "transient",
    });
  });

  it("routes dead letters to the dlq handler of their type", async () => {
    captureLines();
    const dead: unknown[] = [];
    const queue = consumer(
      {
        "test.ok": async () => {
          throw new Error("must not be called for dead letters");
        },
      },
      { "test.ok": async (body) => void dead.push(body) },
    );
    const batch = createMessageBatch("lightrag-edge-ingest-dlq-dev", [
      message("d1", { type: "test.ok", doc: "x" }),
    ]);
    const ctx = createExecutionContext();
    await queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["d1"]);
    expect(dead).toEqual([{ type: "test.ok", doc: "x" }]);
  });
});

describe("cron", () => {
  it("runs every job of the cron and survives a failing one", async () => {
    const lines = captureLines();
    const ran: string[] = [];
    const scheduled = createScheduledHandler({
      "7 7 * * *": {
        first: async () => {
          ran.push("first");
        },
        broken: async () => {
          throw new Error("job exploded");
        },
        last: async (_rt, time) => {
          ran.push(`last@${time}`);
        },
      },
    });
    const controller = createScheduledController({ cron: "7 7 * * *", scheduledTime: 1000 });
    await scheduled(controller, env, createExecutionContext());
    expect(ran.sort()).toEqual(["first", "last@1000"]);
    expect(lines.find((line) => line.message === "scheduled job failed")).toMatchObject({
      level: "ERROR",
      job: "broken",
      cron: "7 7 * * *",
      error: "job exploded",
    });
  });

  it("warns about a cron with no job", async () => {
    const lines = captureLines();
    await worker.scheduled(createScheduledController({ cron: "1 2 3 4 5" }), env, createExecutionContext());
    expect(lines.find((line) => line.message === "no job registered for cron")).toMatchObject({
      level: "WARNING",
    });
  });
});

describe("invocation", () => {
  it("closes once, after every task handed to waitUntil and the tasks those handed on", async () => {
    const runtime: Promise<unknown>[] = [];
    const invocation = new Invocation((p) => void runtime.push(p));
    const events: string[] = [];
    let release = () => {};
    const first = new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => {
      events.push("first");
      invocation.waitUntil(Promise.resolve().then(() => void events.push("handed on")));
    });
    invocation.waitUntil(first);
    invocation.waitUntil(Promise.reject(new Error("a failed task still settles")));
    const close = vi.fn(async () => void events.push("closed"));
    invocation.closeAtEnd(close);
    invocation.closeAtEnd(null);
    invocation.finish(Promise.resolve().then(() => void events.push("body")));
    await Promise.resolve();
    expect(close).not.toHaveBeenCalled();
    release();
    // The closing task was handed to the runtime by finish(): settling the runtime's tasks settles it.
    await Promise.allSettled(runtime);
    expect(events).toEqual(["body", "first", "handed on", "closed"]);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it("on D1 an entry point has nothing to close and hands the runtime no task of its own", async () => {
    const handed: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void handed.push(p) } as unknown as ExecutionContext;
    let closer: unknown = "unset";
    const scheduled = createScheduledHandler({
      "7 7 * * *": {
        job: async (rt) => {
          closer = rt.services.close;
          rt.waitUntil(Promise.resolve());
        },
      },
    });
    await scheduled(createScheduledController({ cron: "7 7 * * *" }), env, ctx);
    expect(closer).toBeNull();
    expect(handed).toHaveLength(1);
  });
});
