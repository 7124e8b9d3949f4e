/** Rate-limit settings: backend, per-class limits and windows, and what to do when the limiter is down. */
import { z } from "zod";
import { csvList, optionalText, positiveInt } from "./fields";

/** Route classes, each with its own limit, window and limiter key (see `src/ratelimit/policy.ts`). */
export const RATE_LIMIT_CLASSES = ["auth", "query", "ingest", "admin", "default"] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

const failClosed = csvList("auth").refine(
  (list) => list.every((item) => (RATE_LIMIT_CLASSES as readonly string[]).includes(item)),
  `each item must be one of ${RATE_LIMIT_CLASSES.join(", ")}`,
);

const restUrl = optionalText.refine(
  (value) => value === undefined || /^https?:\/\/[^\s/]+/.test(value),
  "must be an http(s) URL",
);

export const ratelimitFields = {
  /** `durable_object` (strongly consistent, no extra service) or `upstash` (Redis over REST). */
  RATE_LIMIT_BACKEND: z.enum(["durable_object", "upstash"]).default("durable_object"),
  UPSTASH_REDIS_REST_URL: restUrl,
  UPSTASH_REDIS_REST_TOKEN: optionalText,
  /** /login and /auth/*: per client IP, strict. */
  RATE_LIMIT_AUTH_LIMIT: positiveInt(10),
  RATE_LIMIT_AUTH_WINDOW_SECONDS: positiveInt(60),
  /** /query*, /api/query, /api/chat, /api/generate: per user or API key. */
  RATE_LIMIT_QUERY_LIMIT: positiveInt(60),
  RATE_LIMIT_QUERY_WINDOW_SECONDS: positiveInt(60),
  /** Writes under /documents: per workspace. */
  RATE_LIMIT_INGEST_LIMIT: positiveInt(120),
  RATE_LIMIT_INGEST_WINDOW_SECONDS: positiveInt(60),
  /** /admin/*: per user. */
  RATE_LIMIT_ADMIN_LIMIT: positiveInt(60),
  RATE_LIMIT_ADMIN_WINDOW_SECONDS: positiveInt(60),
  /** Everything else except the liveness/readiness probes: per user, or per IP when anonymous. */
  RATE_LIMIT_DEFAULT_LIMIT: positiveInt(300),
  RATE_LIMIT_DEFAULT_WINDOW_SECONDS: positiveInt(60),
  /** Classes refused (503) when the limiter cannot answer; the others pass, logged and counted. */
  RATE_LIMIT_FAIL_CLOSED: failClosed,
  /** How long a request waits for the limiter before it counts as unreachable. */
  RATE_LIMIT_TIMEOUT_MS: positiveInt(1000),
};

interface RatelimitSettings {
  RATE_LIMIT_ENABLED: boolean;
  RATE_LIMIT_BACKEND: "durable_object" | "upstash";
  UPSTASH_REDIS_REST_URL?: string | undefined;
  UPSTASH_REDIS_REST_TOKEN?: string | undefined;
}

/** Combinations each field accepts alone but that cannot work together. */
export function ratelimitProblems(config: RatelimitSettings): string[] {
  if (!config.RATE_LIMIT_ENABLED || config.RATE_LIMIT_BACKEND !== "upstash") return [];
  const problems: string[] = [];
  if (!config.UPSTASH_REDIS_REST_URL) {
    problems.push("UPSTASH_REDIS_REST_URL: is required when RATE_LIMIT_BACKEND=upstash");
  }
  if (!config.UPSTASH_REDIS_REST_TOKEN) {
    problems.push("UPSTASH_REDIS_REST_TOKEN: is required when RATE_LIMIT_BACKEND=upstash");
  }
  return problems;
}
