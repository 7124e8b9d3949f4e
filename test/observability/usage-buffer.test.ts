/** LLM usage rows are summed per isolate for a window and written in one batch, never lost. */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  coalescedUsage,
  flushingUsage,
  flushUsage,
  pendingUsageRows,
} from "../../src/observability/usage-buffer";
import type { UsageEvent } from "../../src/providers/ports";
import { runInInvocation } from "../../src/runtime/background";
import { D1UsageStore } from "../../src/storage/d1/llm-usage";

const event = (workspace: string, outcome: UsageEvent["outcome"], model = "m"): UsageEvent => ({
  workspace,
  role: "query",
  provider: "local",
  model,
  promptTokens: outcome === "cached" ? 0 : 10,
  completionTokens: outcome === "cached" ? 0 : 2,
  outcome,
});

/** An invocation whose waitUntil tasks the test can await. */
function invocation() {
  const tasks: Promise<unknown>[] = [];
  const waitUntil = (task: Promise<unknown>) => void tasks.push(task);
  return {
    run: <T>(fn: () => T) => runInInvocation({ waitUntil, detached: waitUntil }, fn),
    settle: async () => {
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
    },
  };
}

const rowsOf = (workspace: string) => new D1UsageStore(env.DB).list({ workspace });

afterEach(async () => {
  await flushUsage();
});

describe("coalesced LLM usage", () => {
  it("sums a window's events per row and writes them in one batch once the window ends", async () => {
    const store = new D1UsageStore(env.DB);
    const batches = vi.spyOn(store, "recordMany");
    const usage = coalescedUsage(store, 30, () => undefined);
    const { run, settle } = invocation();
    await run(async () => {
      await usage.record(event("ub_sum", "call"));
      await usage.record(event("ub_sum", "cached"));
      await usage.record(event("ub_sum", "call"));
      await usage.record(event("ub_sum", "error", "other-model"));
    });
    expect(pendingUsageRows()).toBe(2);
    expect(await rowsOf("ub_sum")).toEqual([]);
    await settle();
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0]?.[0]).toHaveLength(2);
    const rows = await rowsOf("ub_sum");
    expect(
      rows.map(({ model, prompt_tokens, completion_tokens, calls, cached_calls, errors }) => ({
        model,
        prompt_tokens,
        completion_tokens,
        calls,
        cached_calls,
        errors,
      })),
    ).toEqual([
      { model: "m", prompt_tokens: 20, completion_tokens: 4, calls: 2, cached_calls: 1, errors: 0 },
      { model: "other-model", prompt_tokens: 10, completion_tokens: 2, calls: 0, cached_calls: 0, errors: 1 },
    ]);
  });

  it("adds to a row already in the table", async () => {
    const store = new D1UsageStore(env.DB);
    await store.record(event("ub_add", "call"));
    const usage = coalescedUsage(store, 10, () => undefined);
    const { run, settle } = invocation();
    await run(() => usage.record(event("ub_add", "call")));
    await settle();
    expect((await rowsOf("ub_add"))[0]).toMatchObject({ calls: 2, prompt_tokens: 20 });
  });

  it("writes at once outside an entry point, and with a window of 0", async () => {
    const store = new D1UsageStore(env.DB);
    await coalescedUsage(store, 1000, () => undefined).record(event("ub_direct", "call"));
    expect((await rowsOf("ub_direct"))[0]).toMatchObject({ calls: 1 });
    const { run } = invocation();
    await run(() => coalescedUsage(store, 0, () => undefined).record(event("ub_direct", "call")));
    expect(pendingUsageRows()).toBe(0);
    expect((await rowsOf("ub_direct"))[0]).toMatchObject({ calls: 2 });
  });

  it("writes a full window at once", async () => {
    const store = new D1UsageStore(env.DB);
    const batches = vi.spyOn(store, "recordMany");
    const usage = coalescedUsage(store, 200, () => undefined);
    const { run, settle } = invocation();
    await run(async () => {
      for (let i = 0; i < 100; i++) await usage.record(event("ub_full", "call", `model-${i}`));
    });
    expect(pendingUsageRows()).toBe(0);
    expect(batches).toHaveBeenCalledTimes(1);
    // The window's timer then finds nothing left to write.
    await settle();
    expect(batches).toHaveBeenCalledTimes(1);
    expect(await rowsOf("ub_full")).toHaveLength(100);
  });

  it("lets reads and deletes through flushingUsage see the pending rows first", async () => {
    const store = new D1UsageStore(env.DB);
    const usage = coalescedUsage(store, 200, () => undefined);
    const { run, settle } = invocation();
    await run(() => usage.record(event("ub_read", "call")));
    expect(pendingUsageRows()).toBe(1);
    const reader = flushingUsage(new D1UsageStore(env.DB));
    expect(await reader.list({ workspace: "ub_read" })).toHaveLength(1);
    await run(() => usage.record(event("ub_read", "call")));
    // A purge deletes what was pending too: nothing comes back when the window would have ended.
    expect(await reader.clear("ub_read")).toBe(1);
    expect(pendingUsageRows()).toBe(0);
    await settle();
    expect(await rowsOf("ub_read")).toEqual([]);
  });

  it("reports a window it could not write, without failing the request", async () => {
    const store = new D1UsageStore(env.DB);
    vi.spyOn(store, "recordMany").mockRejectedValue(new Error("D1 is down"));
    const lost = vi.fn();
    const usage = coalescedUsage(store, 5, lost);
    const { run, settle } = invocation();
    await run(() => usage.record(event("ub_lost", "call")));
    await settle();
    expect(lost).toHaveBeenCalledWith(expect.objectContaining({ message: "D1 is down" }));
  });

  it("writes another store's open window before opening its own: rows never mix stores", async () => {
    const first = new D1UsageStore(env.DB);
    const second = new D1UsageStore(env.DB);
    const firstBatches = vi.spyOn(first, "recordMany");
    const { run, settle } = invocation();
    await run(async () => {
      await coalescedUsage(first, 200, () => undefined).record(event("ub_mix", "call"));
      await coalescedUsage(second, 200, () => undefined).record(event("ub_mix", "call"));
    });
    expect(firstBatches).toHaveBeenCalledTimes(1);
    expect(pendingUsageRows()).toBe(1);
    await settle();
    expect(firstBatches).toHaveBeenCalledTimes(1);
    expect((await rowsOf("ub_mix"))[0]).toMatchObject({ calls: 2 });
  });
});
