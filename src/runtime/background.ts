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

/** Work to start once the invocation's answer is out (see `afterResponse`). */
export type Deferred = () => Promise<unknown>;

/** What an entry point binds: its `waitUntil`, and (requests) a queue of work for after the response. */
export interface Background {
  waitUntil: WaitUntil;
  later?: (work: Deferred) => void;
  /**
   * The execution context's own `waitUntil`, which the invocation does not wait for: for work
   * that needs nothing the invocation closes (a metrics window's timer), so a Postgres pool is
   * not held open for it.
   */
  detached?: WaitUntil;
}

const invocation = new AsyncLocalStorage<Background>();

/**
 * Runs `fn` with `background` (or a bare `waitUntil`) as the invocation's background runner.
 *
 * @example
 * app.use((c, next) => runInInvocation((p) => c.executionCtx.waitUntil(p), next));
 */
export function runInInvocation<T>(background: WaitUntil | Background, fn: () => T): T {
  return invocation.run(typeof background === "function" ? { waitUntil: background } : background, fn);
}

/**
 * Bookkeeping the answer does not need (usage rows, token counters): in a request it starts
 * once the handler has returned its response, so it never competes with the answer for the
 * isolate (locally, D1 and the Durable Objects share its thread); in a queue batch or cron run
 * it starts at once in `waitUntil`; outside an entry point it is awaited.
 *
 * @example
 * await afterResponse(() => usageStore.record(event));
 */
export async function afterResponse(work: Deferred): Promise<void> {
  const background = invocation.getStore();
  if (!background) {
    await work();
    return;
  }
  if (background.later) background.later(work);
  else background.waitUntil(work().catch(() => undefined));
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
  const waitUntil = invocation.getStore()?.waitUntil;
  if (!waitUntil) {
    await task;
    return;
  }
  waitUntil(task.catch(() => undefined));
}

/**
 * The entry point's untracked `waitUntil` (see `Background.detached`), else its tracked one.
 *
 * @example
 * detachedWaitUntil()?.(timerThenFlush());
 */
export function detachedWaitUntil(): WaitUntil | undefined {
  const background = invocation.getStore();
  return background?.detached ?? background?.waitUntil;
}

/** The invocation's `waitUntil`, if an entry point bound one. */
export function currentWaitUntil(): WaitUntil | undefined {
  return invocation.getStore()?.waitUntil;
}
