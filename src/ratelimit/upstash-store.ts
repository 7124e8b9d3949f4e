/**
 * The Upstash alternative: the same GCRA as the Durable Object, run atomically inside Redis as
 * a Lua script, with Redis's own clock so every Worker isolate agrees on "now".
 */
import { Redis } from "@upstash/redis/cloudflare";
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from "./types";

/** Every limiter key in Redis starts with this, so the limiter can share a database. */
export const UPSTASH_KEY_PREFIX = "lightrag:ratelimit:";

/**
 * KEYS[1] = limiter key; ARGV = limit, window (ms).
 * Returns {allowed 0|1, remaining, reset ms, retry-after ms}. The TAT is stored as text with
 * three decimals because Lua would print a large float in exponent form and lose digits.
 */
export const GCRA_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local interval = window / limit
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
local next_tat = tat + interval
local allow_at = next_tat - window
if allow_at - now > 1e-6 then
  return {0, 0, math.ceil(tat - now), math.ceil(allow_at - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now) + 1000)
local remaining = math.floor((now + window - next_tat) / interval + 1e-6)
if remaining > limit - 1 then remaining = limit - 1 end
if remaining < 0 then remaining = 0 end
return {1, remaining, math.ceil(next_tat - now), 0}
`;

export interface UpstashStoreOptions {
  url: string;
  token: string;
  /** Each REST call is aborted after this long. */
  timeoutMs: number;
}

export class UpstashStore implements RateLimitStore {
  readonly backend = "upstash";
  private readonly script;

  constructor(options: UpstashStoreOptions) {
    const redis = new Redis({
      url: options.url,
      token: options.token,
      // The middleware decides what an unreachable limiter means; retries would only delay that.
      retry: false,
      enableTelemetry: false,
      readYourWrites: false,
      signal: () => AbortSignal.timeout(options.timeoutMs),
    });
    this.script = redis.createScript<[number, number, number, number]>(GCRA_SCRIPT);
  }

  async hit(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    const reply = await this.script.exec(
      [UPSTASH_KEY_PREFIX + key],
      [String(rule.limit), String(rule.windowMs)],
    );
    if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((n) => typeof n === "number")) {
      throw new Error(`unexpected limiter reply from Redis: ${JSON.stringify(reply).slice(0, 200)}`);
    }
    const [allowed, remaining, resetMs, retryAfterMs] = reply;
    return { allowed: allowed === 1, limit: rule.limit, remaining, resetMs, retryAfterMs };
  }
}
