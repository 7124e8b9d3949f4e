/** Per-call deadlines: one AbortSignal that fires on the caller's abort or after `timeoutMs`. */
import { ProviderError } from "./errors";

export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer and detaches from the caller's signal. */
  done(): void;
}

/**
 * Starts a deadline for a call to `provider`; on expiry the signal's reason is a `timeout`
 * `ProviderError`, on the caller's abort it is the caller's reason.
 *
 * @example
 * const deadline = startDeadline("openai", 60_000, request.signal);
 * try { await fetch(url, { signal: deadline.signal }); } finally { deadline.done(); }
 */
export function startDeadline(provider: string, timeoutMs: number, caller?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ProviderError(provider, "timeout")), timeoutMs);
  const onAbort = () => controller.abort(caller?.reason);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

/** Runs `call` under a deadline. */
export async function withDeadline<T>(
  provider: string,
  timeoutMs: number,
  caller: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = startDeadline(provider, timeoutMs, caller);
  try {
    return await call(deadline.signal);
  } finally {
    deadline.done();
  }
}
