/**
 * The wire shapes of `GET /admin/analytics`: its query parameters and its answer, shared by the
 * route, the API reference and the web UI's dashboard. Every series is one number per bucket of
 * `timestamps` (oldest first); a ratio or a percentile of an empty bucket is null.
 */
import { z } from "zod";
import { WORKSPACE_PATTERN } from "../../config/server";
import { RANGES } from "./ranges";

export const analyticsQuery = z
  .object({
    range: z
      .enum(RANGES)
      .default("hour")
      .describe("The window: last hour (1-minute buckets), day (1 h) or week (6 h)"),
    workspace: z
      .string()
      .regex(WORKSPACE_PATTERN, "must be 1-64 letters, digits or underscores")
      .optional()
      .describe("Only this workspace's series (the rest stay deployment-wide locally; see deployment_wide)"),
  })
  .strict();

export type AnalyticsQuery = z.infer<typeof analyticsQuery>;

const counts = z.array(z.number());
const ratios = z.array(z.number().nullable());

export const analyticsResponseSchema = z.object({
  range: z.enum(RANGES),
  source: z.enum(["local", "analytics_engine"]),
  workspace: z.string().nullable(),
  step_seconds: z.number().int().positive(),
  /** Start of each bucket, Unix seconds (uPlot's x axis). */
  timestamps: z.array(z.number().int()),
  requests: z.object({ total: counts, errors: counts, error_rate: ratios }),
  /** p50 and p95 latency in milliseconds per route class (the route's rate-limit class). */
  latency_ms: z.record(z.string(), z.object({ p50: ratios, p95: ratios })),
  queries: z.record(z.string(), counts).describe("Queries answered per mode"),
  ingestion: z.object({ processed: counts, failed: counts }),
  llm: z.array(
    z.object({
      workspace: z.string(),
      model: z.string(),
      prompt_tokens: counts,
      completion_tokens: counts,
      /** US dollars per bucket from LLM_PRICES; null when the model has no price. */
      cost_usd: ratios.nullable(),
    }),
  ),
  rate_limit_hits: z.record(z.string(), counts).describe("Requests refused by a rate limit, per class"),
  /** Query answer cache: hits, queries, and their ratio. */
  cache: z.object({ hits: counts, lookups: counts, hit_rate: ratios }),
  /** Series that are deployment-wide even when `workspace` is set (the local history has no workspace for them). */
  deployment_wide: z.array(z.string()),
});

export type AnalyticsResponse = z.infer<typeof analyticsResponseSchema>;
