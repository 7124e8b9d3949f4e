/** Full-jitter exponential backoff that honours Retry-After and gives up on non-retryable errors. */
import { ProviderError } from "./errors";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseMs: number;
  /** Cap on any single wait; a longer Retry-After ends the retries (the chain fails over). */
  maxMs: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The wait before retry number `attempt` (0-based): uniform in [0, min(max, base·2^attempt)],
 * but never shorter than the provider's Retry-After. Undefined means "do not retry".
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
): number | undefined {
  const random = policy.random ?? Math.random;
  const jitter = random() * Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  if (retryAfterMs === undefined) return jitter;
  if (retryAfterMs > policy.maxMs) return undefined;
  return Math.max(retryAfterMs, jitter);
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable error, or retries run out.
 *
 * @example
 * const text = await withRetry((attempt) => transport.complete(request), policy, signal);
 */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (error: ProviderError, delayMs: number) => void,
): Promise<T> {
  const wait = policy.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!(error instanceof ProviderError) || !error.retryable || attempt >= policy.maxRetries) throw error;
      if (signal?.aborted) throw error;
      const delay = backoffDelay(attempt, policy, error.retryAfterMs);
      if (delay === undefined) throw error;
      onRetry?.(error, delay);
      await wait(delay, signal);
    }
  }
}
