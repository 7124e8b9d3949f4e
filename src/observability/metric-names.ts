/**
 * Every metric the service exports, with its Prometheus type, help text and the label names it
 * accepts. Labels outside the list are dropped so a caller cannot explode cardinality.
 */

export type CounterName =
  | "lightrag_requests_total"
  | "lightrag_documents_processed_total"
  | "lightrag_queries_executed_total"
  | "lightrag_cache_hits_total"
  | "lightrag_errors_total"
  | "lightrag_auth_failures_total"
  | "lightrag_rate_limit_hits_total"
  | "lightrag_queue_messages_total"
  | "lightrag_backup_runs_total"
  | "lightrag_audit_events_total"
  | "lightrag_llm_tokens_total";

export interface MetricSpec {
  type: "counter" | "gauge" | "histogram";
  help: string;
  labels: readonly string[];
}

export const COUNTERS: Record<CounterName, MetricSpec> = {
  lightrag_requests_total: {
    type: "counter",
    help: "HTTP requests answered, by route template, method and status",
    labels: ["route", "method", "status"],
  },
  lightrag_documents_processed_total: {
    type: "counter",
    help: "Documents the pipeline finished, by outcome (processed, failed)",
    labels: ["status", "workspace"],
  },
  lightrag_queries_executed_total: {
    type: "counter",
    help: "Queries answered, by LightRAG mode",
    labels: ["mode", "workspace"],
  },
  lightrag_cache_hits_total: {
    type: "counter",
    help: "Cache hits, by cache (llm, embedding, query)",
    labels: ["cache"],
  },
  lightrag_errors_total: {
    type: "counter",
    help: "Errors: 5xx answers by route, and failures reported by background jobs by kind",
    labels: ["route", "kind"],
  },
  lightrag_auth_failures_total: {
    type: "counter",
    help: "Failed authentications, by reason",
    labels: ["reason"],
  },
  lightrag_rate_limit_hits_total: {
    type: "counter",
    help: "Requests refused by a rate limit, by limit",
    labels: ["limit"],
  },
  lightrag_audit_events_total: {
    type: "counter",
    help: "Audit events recorded, by event type and outcome (the records are in the audit log)",
    labels: ["event_type", "outcome"],
  },
  lightrag_llm_tokens_total: {
    type: "counter",
    help: "LLM tokens spent by provider calls, by workspace, model and kind (prompt, completion)",
    labels: ["workspace", "model", "kind"],
  },
  lightrag_queue_messages_total: {
    type: "counter",
    help: "Queue messages by message type and event (sent, acked, retried, dropped, dead_lettered)",
    labels: ["queue", "type", "event"],
  },
  lightrag_backup_runs_total: {
    type: "counter",
    help: "Backup, verification and restore runs by outcome (alert on failure)",
    labels: ["job", "status"],
  },
};

export const REQUEST_DURATION = "lightrag_request_duration_seconds";
export const ACTIVE_REQUESTS = "lightrag_active_requests";
export const QUEUE_DEPTH = "lightrag_queue_depth";
export const PIPELINE_BUSY = "lightrag_pipeline_busy";
export const PIPELINE_ACTIVE = "lightrag_pipeline_active";
export const DEPENDENCY_UP = "lightrag_dependency_up";

/** Upper bounds of the request duration histogram, in seconds (Prometheus client defaults). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const OTHER_METRICS: Record<string, MetricSpec> = {
  [REQUEST_DURATION]: {
    type: "histogram",
    help: "HTTP request duration in seconds, by route template, method and status",
    labels: ["route", "method", "status"],
  },
  [ACTIVE_REQUESTS]: {
    type: "gauge",
    help: "Requests in flight, summed over the isolates that reported in the last minute",
    labels: [],
  },
  [QUEUE_DEPTH]: {
    type: "gauge",
    help: "Queue messages sent and not yet acknowledged or dropped",
    labels: ["queue"],
  },
  [PIPELINE_BUSY]: { type: "gauge", help: "1 while a workspace's pipeline is busy", labels: ["workspace"] },
  [PIPELINE_ACTIVE]: {
    type: "gauge",
    help: "1 while a workspace's pipeline is active",
    labels: ["workspace"],
  },
  [DEPENDENCY_UP]: {
    type: "gauge",
    help: "1 when a critical dependency (d1, metrics) answered the scrape's probe, else 0",
    labels: ["dependency"],
  },
};

/** Every exported metric family name. */
export function exportedMetricNames(): string[] {
  return [...Object.keys(COUNTERS), ...Object.keys(OTHER_METRICS)];
}

/** Keeps only the labels `name` declares, as strings cut to a sane length. */
export function allowedLabels(
  spec: MetricSpec,
  labels: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!labels) return out;
  for (const key of spec.labels) {
    const value = labels[key];
    if (value !== undefined) out[key] = String(value).slice(0, 128);
  }
  return out;
}
