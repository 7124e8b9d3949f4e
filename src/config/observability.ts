/**
 * Observability settings: who may scrape /metrics, how long audit rows are kept, and where the
 * analytics dashboard reads its series (the local history, or Analytics Engine's SQL API with
 * a server-side token).
 */
import { z } from "zod";
import { priceTableSchema } from "../observability/analytics/prices";
import { bool, optionalText, positiveInt } from "./fields";

/** Shortest METRICS_TOKEN accepted; it guards a public URL. */
export const MIN_METRICS_TOKEN_LENGTH = 24;

export const observabilityFields = {
  /** Bearer token for Prometheus scrapes of /metrics (secret); administrators need none. */
  METRICS_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === "" ? undefined : value))
    .pipe(
      z
        .string()
        .min(MIN_METRICS_TOKEN_LENGTH, `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`)
        .optional(),
    ),
  /** Days audit rows stay in the table; the 15-minute cron deletes older ones. */
  AUDIT_RETENTION_DAYS: positiveInt(365),
  /** Analytics Engine data points (one per request, query, document and LLM call). */
  ANALYTICS_ENABLED: bool(true),
  /** Where `GET /admin/analytics` reads: `local` (metrics aggregator history) or `analytics_engine` (SQL API). */
  ANALYTICS_SOURCE: z.enum(["local", "analytics_engine"]).default("local"),
  /** The Cloudflare account whose Analytics Engine the dashboard queries. */
  CF_ACCOUNT_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{32}$/, "must be a 32-character hex account id")
      .optional(),
  ),
  /** API token with Account Analytics Read (secret; never sent to the browser). */
  ANALYTICS_API_TOKEN: optionalText,
  /** The dataset of the `ANALYTICS` binding in this environment (wrangler.toml). */
  ANALYTICS_DATASET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_]{1,128}$/, "letters, digits and underscores only")
    .default("lightrag_edge_dev"),
  /** Base of the Cloudflare API; changed only to point at a proxy or a test server. */
  ANALYTICS_API_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/]+/, "must be an http(s) URL")
    .default("https://api.cloudflare.com/client/v4"),
  /** JSON: model → US dollars per million tokens, `{"gpt-4o-mini":{"prompt":0.15,"completion":0.6}}`. */
  LLM_PRICES: optionalText
    .transform((value, ctx) => {
      if (value === undefined) return {};
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(priceTableSchema),
};

/**
 * Settings that only make sense together: the Analytics Engine source needs its account and
 * token (the dashboard would otherwise fail on every load).
 */
export function observabilityProblems(config: {
  ANALYTICS_SOURCE: "local" | "analytics_engine";
  CF_ACCOUNT_ID?: string;
  ANALYTICS_API_TOKEN?: string;
}): string[] {
  if (config.ANALYTICS_SOURCE !== "analytics_engine") return [];
  const problems: string[] = [];
  if (!config.CF_ACCOUNT_ID)
    problems.push("CF_ACCOUNT_ID: is required when ANALYTICS_SOURCE=analytics_engine");
  if (!config.ANALYTICS_API_TOKEN) {
    problems.push(
      "ANALYTICS_API_TOKEN: is required when ANALYTICS_SOURCE=analytics_engine (wrangler secret put ANALYTICS_API_TOKEN)",
    );
  }
  return problems;
}
