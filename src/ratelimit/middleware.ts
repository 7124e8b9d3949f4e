/**
 * The rate-limit middleware: counts each request against its route class's limiter key,
 * answers 429 with `Retry-After` when over, and puts the `RateLimit-*` headers on every
 * answer of a limited route. A limiter that does not answer in time fails closed for the
 * classes in RATE_LIMIT_FAIL_CLOSED (503) and open, logged and counted, for the rest.
 */
import type { Context, MiddlewareHandler } from "hono";
import { audit } from "../audit";
import { permits } from "../auth/permissions";
import type { Config } from "../config";
import type { RateLimitClass } from "../config/ratelimit";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../http/errors";
import { UNKNOWN_CLIENT } from "../http/middleware/client-ip";
import { routePolicyOf } from "../http/middleware/route-policy";
import { countMetric } from "../observability/metrics";
import { limitClassOf, limiterKey, ruleFor } from "./policy";
import { storeRejection } from "./rejection-sampler";
import { limiterStore } from "./store";
import type { RateLimitDecision, RateLimitRule } from "./types";

/** What a client is told to wait when the limiter itself is down. */
const UNAVAILABLE_RETRY_SECONDS = 5;

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/** `RateLimit-Limit`, `-Remaining`, `-Reset` (seconds) and `-Policy` (`limit;w=window`). */
export function rateLimitHeaders(decision: RateLimitDecision, rule: RateLimitRule): Record<string, string> {
  return {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(seconds(decision.resetMs)),
    "RateLimit-Policy": `${rule.limit};w=${seconds(rule.windowMs)}`,
  };
}

/**
 * Counts the request against `limitedClass` for its caller: 429 (audited, counted) when over,
 * else the `RateLimit-*` headers to send, or `null` when the limiter failed open.
 */
async function spend(
  c: Context<AppEnv>,
  config: Config,
  limitedClass: RateLimitClass,
  refused: boolean,
): Promise<Record<string, string> | null> {
  const rule = ruleFor(limitedClass, config);
  const principal = c.get("principal");
  const key = limiterKey(limitedClass, {
    clientIp: c.get("clientIp") ?? UNKNOWN_CLIENT,
    principal,
    refused,
  });
  const decision = await decide(c, config, limitedClass, key, rule);
  if (!decision) return null;

  const headers = rateLimitHeaders(decision, rule);
  if (!decision.allowed) {
    const retryAfter = Math.max(1, seconds(decision.retryAfterMs));
    countMetric(c, "lightrag_rate_limit_hits_total", { limit: limitedClass });
    audit(
      c,
      {
        event_type: "authorization",
        event_action: "rate_limited",
        outcome: "denied",
        additional_data: {
          limit_class: limitedClass,
          limit: rule.limit,
          window_seconds: seconds(rule.windowMs),
        },
      },
      { table: storeRejection(key, rule.windowMs) },
    );
    throw new AppError(429, "rate_limited", `Too many requests; retry after ${retryAfter} s`, {
      headers: { ...headers, "Retry-After": String(retryAfter) },
      details: { limit: rule.limit, window_seconds: seconds(rule.windowMs), retry_after_seconds: retryAfter },
    });
  }
  return headers;
}

/**
 * Counts one operation inside an already admitted request against a further class: an MCP tool
 * call spends the budget of the REST route it stands for (`query`, `ingest`). 429 when over.
 *
 * @example
 * await spendRateLimit(c, "query");
 */
export async function spendRateLimit(c: Context<AppEnv>, limitedClass: RateLimitClass): Promise<void> {
  const config = c.get("config");
  if (!config?.RATE_LIMIT_ENABLED) return;
  await spend(c, config, limitedClass, false);
}

export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = c.get("config");
  // No config means configGuard let a health route through on a broken config: nothing to apply.
  if (!config?.RATE_LIMIT_ENABLED) return next();
  const policy = routePolicyOf(c);
  const limitedClass = limitClassOf(policy);
  if (!limitedClass) return next();

  const principal = c.get("principal");
  // Known now, refused by requireAuth after the count: it must not spend a shared budget.
  const refused =
    principal !== undefined && (c.get("authError") !== undefined || !permits(principal, policy.access));
  const headers = await spend(c, config, limitedClass, refused);
  if (!headers) return next();
  await next();
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
};

/** The limiter's answer, or `null` to let the request through because the limiter failed open. */
async function decide(
  c: Context<AppEnv>,
  config: Config,
  limitedClass: RateLimitClass,
  key: string,
  rule: RateLimitRule,
): Promise<RateLimitDecision | null> {
  const store = limiterStore(config, c.env);
  try {
    return await withTimeout(store.hit(key, rule), config.RATE_LIMIT_TIMEOUT_MS);
  } catch (error) {
    const failClosed = config.RATE_LIMIT_FAIL_CLOSED.includes(limitedClass);
    c.get("logger").error("rate limiter unavailable", {
      backend: store.backend,
      limit_class: limitedClass,
      fail_mode: failClosed ? "closed" : "open",
      error: error instanceof Error ? error.message : String(error),
    });
    countMetric(c, "lightrag_errors_total", { kind: "rate_limiter_unavailable" });
    if (!failClosed) return null;
    throw new AppError(503, "service_unavailable", "Rate limiter unavailable; try again shortly", {
      headers: { "Retry-After": String(UNAVAILABLE_RETRY_SECONDS) },
    });
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
