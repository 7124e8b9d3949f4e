/**
 * The dashboard's local history: which metric samples the aggregator also adds to time buckets,
 * under which compact key. Two fixed rings bound it: minutes for the last two hours and hours
 * for the last eight days, each bucket holding at most `MAX_KEYS_PER_BUCKET` keys, so storage
 * stays bounded whatever the traffic or the number of workspaces.
 *
 * | history key                              | from                                             |
 * | ---------------------------------------- | ------------------------------------------------ |
 * | `requests{class,status}` (status `5xx`…) | `lightrag_requests_total`                        |
 * | `latency_bucket{class,le}`               | `lightrag_request_duration_seconds_bucket`       |
 * | `queries{mode,workspace}`                | `lightrag_queries_executed_total`                |
 * | `documents{status,workspace}`            | `lightrag_documents_processed_total`             |
 * | `cache_hits{cache}`                      | `lightrag_cache_hits_total`                      |
 * | `rate_limit_hits{limit}`                 | `lightrag_rate_limit_hits_total`                 |
 * | `llm_tokens{kind,model,workspace}`       | `lightrag_llm_tokens_total`                      |
 */
import { seriesKey } from "../prometheus";
import { routeClass } from "./route-class";

export type Resolution = "minute" | "hour";

/** Bucket width and how many buckets each ring keeps. */
export const RINGS: Record<Resolution, { stepMs: number; keep: number }> = {
  minute: { stepMs: 60_000, keep: 120 },
  hour: { stepMs: 3_600_000, keep: 8 * 24 },
};

/** Distinct keys one bucket of one shard accepts; later new keys are dropped (existing ones still add). */
export const MAX_KEYS_PER_BUCKET = 400;

/** One stored history value. */
export interface HistoryRow {
  resolution: Resolution;
  /** Bucket start, epoch ms. */
  start: number;
  key: string;
  value: number;
}

/** Start of the bucket of `resolution` holding `now`. */
export function bucketStart(resolution: Resolution, now: number): number {
  const { stepMs } = RINGS[resolution];
  return Math.floor(now / stepMs) * stepMs;
}

/**
 * The name and labels of a series key written by `seriesKey` (`name{a="x",b="y"}`).
 *
 * @example
 * parseSeriesKey('m{a="x"}'); // { name: "m", labels: { a: "x" } }
 */
export function parseSeriesKey(key: string): { name: string; labels: Record<string, string> } {
  const brace = key.indexOf("{");
  if (brace < 0) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  for (const match of key.slice(brace + 1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
    const [, name = "", raw = ""] = match;
    labels[name] = raw.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return { name: key.slice(0, brace), labels };
}

/** The history key of one metric sample, or undefined when the dashboard does not chart it. */
export function historyKey(sample: string): string | undefined {
  const { name, labels } = parseSeriesKey(sample);
  switch (name) {
    case "lightrag_requests_total":
      return seriesKey("requests", {
        class: routeClass(labels.method ?? "", labels.route ?? ""),
        status: `${(labels.status ?? "0").slice(0, 1)}xx`,
      });
    case "lightrag_request_duration_seconds_bucket":
      return seriesKey("latency_bucket", {
        class: routeClass(labels.method ?? "", labels.route ?? ""),
        le: labels.le ?? "+Inf",
      });
    case "lightrag_queries_executed_total":
      return seriesKey("queries", { mode: labels.mode ?? "", workspace: labels.workspace ?? "" });
    case "lightrag_documents_processed_total":
      return seriesKey("documents", { status: labels.status ?? "", workspace: labels.workspace ?? "" });
    case "lightrag_cache_hits_total":
      return seriesKey("cache_hits", { cache: labels.cache ?? "" });
    case "lightrag_rate_limit_hits_total":
      return seriesKey("rate_limit_hits", { limit: labels.limit ?? "" });
    case "lightrag_llm_tokens_total":
      return seriesKey("llm_tokens", {
        kind: labels.kind ?? "",
        model: labels.model ?? "",
        workspace: labels.workspace ?? "",
      });
    default:
      return undefined;
  }
}

/**
 * The history samples of a metric batch: charted samples under their history keys, summed
 * (a request's histogram buckets of one class collapse into one key per bound).
 *
 * @example
 * historySamples([['lightrag_requests_total{method="POST",route="/query",status="200"}', 1]]);
 * // [['requests{class="query",status="2xx"}', 1]]
 */
export function historySamples(samples: ReadonlyArray<readonly [string, number]>): Array<[string, number]> {
  const out = new Map<string, number>();
  for (const [sample, by] of samples) {
    if (!Number.isFinite(by) || by <= 0) continue;
    const key = historyKey(sample);
    if (key !== undefined) out.set(key, (out.get(key) ?? 0) + by);
  }
  return [...out];
}
