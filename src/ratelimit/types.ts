/** The limiter port: a rule, a decision, and the store both backends implement. */

/** At most `limit` requests per `windowMs`, refilled evenly (one every `windowMs / limit`). */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** The answer to one request; times are milliseconds from now. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests that would still pass right now. */
  remaining: number;
  /** Until the full quota is back. */
  resetMs: number;
  /** Until the next request can pass; 0 when this one passed. */
  retryAfterMs: number;
}

/** Where counters live: one Durable Object per key, or Redis through Upstash's REST API. */
export interface RateLimitStore {
  readonly backend: "durable_object" | "upstash";
  /** Counts one request against `key` under `rule`, atomically with every other hit on that key. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
}
