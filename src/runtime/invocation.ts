/**
 * One entry point's run (a request, a queue batch, a cron run): its `waitUntil`, which records
 * every task handed to it, and what must be closed once all of it is done. The Postgres pool of
 * STORAGE_BACKEND=neon is the reason: work keeps using it after the handler returns (audit rows
 * and key-use writes in `waitUntil`, streamed answers, LLM usage rows), so it can only be ended
 * after the entry point's own work, its response body and every tracked task have settled.
 * With nothing to close (D1) `finish` does nothing: no extra promise, no wrapped body.
 */
import { type Deferred, runInInvocation, type WaitUntil } from "./background";

/** Something an entry point opened and must close once (the pool's `end`); null when nothing was opened. */
export type Closer = (() => Promise<void>) | null;

export class Invocation {
  private readonly pending = new Set<Promise<void>>();
  private readonly closers: Array<() => Promise<void>> = [];
  private finished = false;
  /** Work waiting for the response (`later`); null once released. */
  private deferred: Deferred[] | null = [];

  /** @param runtime The execution context's `waitUntil`: it keeps the isolate alive for each task. */
  constructor(private readonly runtime: WaitUntil) {}

  /**
   * Hands `task` to the runtime and records it until it settles.
   *
   * @example
   * invocation.waitUntil(auditRow); // the pool is ended only after auditRow settled
   */
  readonly waitUntil: WaitUntil = (task) => {
    const settled = task.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    this.runtime(task);
  };

  /**
   * Keeps `work` until `release` (the response is ready), then runs it as a tracked task.
   *
   * @example
   * invocation.later(() => usage.record(event)); // starts once the handler has returned
   */
  readonly later = (work: Deferred): void => {
    if (this.deferred) this.deferred.push(work);
    else this.waitUntil(work().catch(() => undefined));
  };

  /** The response is ready: the work kept by `later` starts now; later work starts at once. */
  release(): void {
    const kept = this.deferred ?? [];
    this.deferred = null;
    for (const work of kept) this.waitUntil(work().catch(() => undefined));
  }

  /**
   * Resolves once every task handed over so far has settled, including tasks that those tasks
   * handed over while it waited.
   */
  async whenSettled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /** True when something waits to be closed: the entry point then tracks its response body. */
  get closes(): boolean {
    return this.closers.length > 0;
  }

  /**
   * Registers `close` to run once, at the end (see `finish`); null is ignored. One registered
   * after `finish` runs once the tasks then pending have settled.
   *
   * @example
   * invocation.closeAtEnd(services.close);
   */
  closeAtEnd(close: Closer): void {
    if (!close) return;
    if (this.finished) this.runtime(this.settleThenClose(undefined, [close]));
    else this.closers.push(close);
  }

  /**
   * The entry point's own work is done: once `after` (its response body) and every tracked task
   * have settled, the closers run, in the runtime's `waitUntil` so the isolate stays for them.
   * Call once, before the entry point returns.
   *
   * @example
   * try { await consumeBatch(batch, invocation); } finally { invocation.finish(); }
   */
  finish(after?: Promise<unknown>): void {
    this.release();
    this.finished = true;
    if (this.closers.length === 0) return;
    this.runtime(this.settleThenClose(after, this.closers.splice(0)));
  }

  private async settleThenClose(after: Promise<unknown> | undefined, closers: Array<() => Promise<void>>) {
    await after?.catch(() => undefined);
    await this.whenSettled();
    // A closer reports its own failure (Services.close logs it): one must not stop the others.
    await Promise.all(closers.map((close) => close().catch(() => undefined)));
  }
}

/**
 * Runs a queue batch's or cron run's `work` in a fresh invocation on `ctx`: bound as the
 * background runner, and finished (what was opened is closed once its tasks settle) even
 * when `work` throws.
 *
 * @example
 * return async (batch, env, ctx) => withInvocation(ctx, (invocation) => consumeBatch(table, batch, env, invocation));
 */
export async function withInvocation<T>(
  ctx: Pick<ExecutionContext, "waitUntil">,
  work: (invocation: Invocation) => Promise<T>,
): Promise<T> {
  const detached = (p: Promise<unknown>) => ctx.waitUntil(p);
  const invocation = new Invocation(detached);
  try {
    return await runInInvocation({ waitUntil: invocation.waitUntil, detached }, () => work(invocation));
  } finally {
    invocation.finish();
  }
}
