/**
 * GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp): the state is
 * the "theoretical arrival time" `tat`, so a limiter key costs one number, and every answer
 * (remaining, reset, retry-after) is exact rather than estimated.
 */
import type { RateLimitDecision, RateLimitRule } from "./types";

/** Slack for float drift when `windowMs / limit` is not a whole number (1000 / 3 …). */
const EPSILON_MS = 1e-6;

export interface GcraResult {
  decision: RateLimitDecision;
  /** The state to store when the request passed; unchanged (`null` means nothing to write) when refused. */
  tat: number | null;
}

/**
 * Decides one request at time `now` given the stored `tat` (null for a key never seen or expired).
 *
 * @example
 * const { decision, tat } = gcra(stored, Date.now(), { limit: 10, windowMs: 60_000 });
 * if (decision.allowed) save(tat);
 */
export function gcra(storedTat: number | null, now: number, rule: RateLimitRule): GcraResult {
  const interval = rule.windowMs / rule.limit;
  const tat = Math.max(storedTat ?? now, now);
  const nextTat = tat + interval;
  const allowAt = nextTat - rule.windowMs;
  if (allowAt - now > EPSILON_MS) {
    const decision = {
      allowed: false,
      limit: rule.limit,
      remaining: 0,
      resetMs: Math.ceil(tat - now),
      retryAfterMs: Math.ceil(allowAt - now),
    };
    return { decision, tat: null };
  }
  const remaining = Math.floor((now + rule.windowMs - nextTat) / interval + EPSILON_MS);
  const decision = {
    allowed: true,
    limit: rule.limit,
    remaining: Math.max(0, Math.min(rule.limit - 1, remaining)),
    resetMs: Math.ceil(nextTat - now),
    retryAfterMs: 0,
  };
  return { decision, tat: nextTat };
}
