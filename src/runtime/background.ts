/**
 * The current invocation's `waitUntil`, for work a caller must not wait for (LLM usage rows,
 * token counters) done by clients that outlive one request: providers are built once per
 * isolate, so they cannot hold a request's `waitUntil`. Each entry point (request, queue batch,
 * cron run) binds its own with `runInInvocation`; async continuations inherit it
 * (AsyncLocalStorage, as Hono's context storage does), so concurrent requests in one isolate
 * never see each other's.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type WaitUntil = (promise: Promise<unknown>) => void;

const invocation = new AsyncLocalStorage<WaitUntil>();

/**
 * Runs `fn` with `waitUntil` as the invocation's background runner.
 *
 * @example
 * app.use((c, next) => runInInvocation((p) => c.executionCtx.waitUntil(p), next));
 */
export function runInInvocation<T>(waitUntil: WaitUntil, fn: () => T): T {
  return invocation.run(waitUntil, fn);
}

/**
 * Hands `task` to the invocation's `waitUntil` and returns at once; without an invocation
 * (Durable Object calls, unit code) it waits for `task`, so nothing is ever left unowned.
 * Failures of a handed-off task are the task's own to log: they are dropped here.
 *
 * @example
 * await inBackground(usageStore.record(event)); // returns before the row is written
 */
export async function inBackground(task: Promise<unknown>): Promise<void> {
  const waitUntil = invocation.getStore();
  if (!waitUntil) {
    await task;
    return;
  }
  waitUntil(task.catch(() => undefined));
}

/** The invocation's `waitUntil`, if an entry point bound one. */
export function currentWaitUntil(): WaitUntil | undefined {
  return invocation.getStore();
}
