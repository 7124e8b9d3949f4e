/**
 * Bounded concurrency: a shared limiter so every extraction of a batch shares one LLM budget.
 * Each task start is paced (src/storage/pace.ts), so a long batch of in-process calls lets the
 * runtime read its sockets.
 */
import { createPacer } from "../storage/pace";

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * A FIFO limiter allowing `limit` tasks at once.
 *
 * @example
 * const llmSlots = createLimiter(4);
 * await Promise.all(chunks.map((chunk) => llmSlots.run(() => extract(chunk))));
 */
export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const pace = createPacer();
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        await pace();
        return await task();
      } finally {
        release();
      }
    },
  };
}

/** Maps `items` through `fn` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limiter = createLimiter(limit);
  return Promise.all(items.map((item, index) => limiter.run(() => fn(item, index))));
}
