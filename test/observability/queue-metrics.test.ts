import { createExecutionContext, createMessageBatch, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { readAggregate } from "../../src/observability/metrics-client";
import { queueDepths } from "../../src/observability/metrics-scrape";
import { countQueueSent } from "../../src/observability/queue-metrics";
import { createQueueConsumer, type QueueMessageHandler } from "../../src/pipeline/queue";
import { scrape } from "./helpers";

const workerEnv = env as unknown as Env;
const TYPE = "test.depth";

afterEach(() => {
  vi.restoreAllMocks();
});

async function runBatch(
  queue: string,
  bodies: unknown[],
  handler: QueueMessageHandler = async () => undefined,
): Promise<void> {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  // The test type's handler; no dead-letter handler, so its dead letters are dropped (and counted).
  await createQueueConsumer({
    main: { [TYPE]: handler },
    deadLetter: {} as Record<string, QueueMessageHandler>,
  })(batch, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
}

/** This test's message type only, so other files' queue traffic does not matter. */
async function depthOfTestType(): Promise<number> {
  const { samples } = await readAggregate(workerEnv);
  const mine = new Map([...samples].filter(([key]) => key.includes(`type="${TYPE}"`)));
  return queueDepths(mine).get("ingest") ?? 0;
}

describe("queue depth", () => {
  it("is sent minus acknowledged, dropped and dead-lettered messages, retries aside", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    await countQueueSent(workerEnv, TYPE, 3);
    expect(await depthOfTestType()).toBe(3);
    let calls = 0;
    await runBatch("lightrag-edge-ingest-dev", [{ type: TYPE }, { type: TYPE }], async () => {
      calls++;
      if (calls === 2) throw new Error("transient");
    });
    expect(await depthOfTestType()).toBe(2); // one acked, one retried (still queued)
    await runBatch("lightrag-edge-ingest-dlq-dev", [{ type: TYPE }]);
    expect(await depthOfTestType()).toBe(1); // the retried one gave up and left for the DLQ
    const text = await scrape();
    expect(text).toMatch(/^lightrag_queue_depth\{queue="ingest"\} \d+$/m);
    expect(text).toContain(`lightrag_queue_messages_total{event="retried",queue="ingest",type="${TYPE}"} 1`);
  });

  it("never reads below zero for a type whose sends nobody counts", () => {
    const samples = new Map([
      ['lightrag_queue_messages_total{event="acked",queue="ingest",type="untracked"}', 5],
      ['lightrag_queue_messages_total{event="sent",queue="ingest",type="rag.ingest"}', 4],
      ['lightrag_queue_messages_total{event="acked",queue="ingest",type="rag.ingest"}', 1],
    ]);
    expect(queueDepths(samples).get("ingest")).toBe(3);
  });
});
