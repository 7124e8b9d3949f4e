/** The answer of `GET /admin/analytics` (src/observability/analytics/schema.ts is the source of truth). */

export const ANALYTICS_RANGES = ["hour", "day", "week"] as const;
export type AnalyticsRange = (typeof ANALYTICS_RANGES)[number];

export interface AnalyticsAnswer {
  range: AnalyticsRange;
  source: "local" | "analytics_engine";
  workspace: string | null;
  step_seconds: number;
  timestamps: number[];
  requests: { total: number[]; errors: number[]; error_rate: Array<number | null> };
  latency_ms: Record<string, { p50: Array<number | null>; p95: Array<number | null> }>;
  queries: Record<string, number[]>;
  ingestion: { processed: number[]; failed: number[] };
  llm: Array<{
    workspace: string;
    model: string;
    prompt_tokens: number[];
    completion_tokens: number[];
    cost_usd: Array<number | null> | null;
  }>;
  rate_limit_hits: Record<string, number[]>;
  cache: { hits: number[]; lookups: number[]; hit_rate: Array<number | null> };
  deployment_wide: string[];
}
