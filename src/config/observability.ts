/** Observability settings: who may scrape /metrics, how long audit rows are kept. */
import { z } from "zod";
import { bool, positiveInt } from "./fields";

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
  /** Analytics Engine data points (one per request, query and document). */
  ANALYTICS_ENABLED: bool(true),
};
