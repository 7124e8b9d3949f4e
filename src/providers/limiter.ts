/**
 * Caps concurrent LLM calls (LLM_MAX_ASYNC) and hands free slots to the most urgent waiter:
 * a user waiting on a query goes before background extraction, as in LightRAG's LLM queue.
 */
import type { LlmRole } from "./types";

/** Higher runs first; same priority runs in arrival order. */
export const ROLE_PRIORITY: Record<LlmRole, number> = { query: 10, keyword: 10, summary: 5, extract: 1 };

interface Waiter {
  priority: number;
  seq: number;
  grant: () => void;
}

export class PriorityLimiter {
  private active = 0;
  private seq = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly max: number) {}

  get stats(): { active: number; waiting: number; max: number } {
    return { active: this.active, waiting: this.waiting.length, max: this.max };
  }

  /**
   * Resolves with a release function once a slot is free; rejects if `signal` aborts first.
   *
   * @example
   * const release = await limiter.acquire(ROLE_PRIORITY.query);
   * try { await call(); } finally { release(); }
   */
  acquire(priority: number, signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.max && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter: Waiter = {
        priority,
        seq: this.seq++,
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const at = this.waiting.findIndex((w) => w.priority < priority);
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.active--;
    };
  }
}
