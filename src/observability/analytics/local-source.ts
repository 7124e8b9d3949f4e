/**
 * The dashboard's series from the local history (the metrics aggregator's time buckets,
 * `history.ts`): counters are summed per bucket, and latency percentiles are estimated from the
 * summed histogram buckets of each route class. Requests, latency, rate-limit hits and cache
 * hits carry no workspace in the history, so a workspace filter narrows only queries,
 * ingestion and LLM tokens, and the answer says so in `deployment_wide`.
 */
import { type HistoryRow, parseSeriesKey, type Resolution, RINGS } from "./history";
import { histogramQuantile } from "./percentile";
import type { PriceTable } from "./prices";
import { type AnalyticsRange, RANGE_SPECS } from "./ranges";
import type { AnalyticsResponse } from "./schema";
import { SeriesBuilder } from "./series";

/** Reads the summed history rows of one ring since a bucket start (epoch ms). */
export type HistoryReader = (resolution: Resolution, since: number) => Promise<HistoryRow[]>;

export interface SeriesRequest {
  range: AnalyticsRange;
  now: number;
  workspace: string | null;
  prices: PriceTable;
}

const WORKSPACE_BLIND = ["requests", "latency_ms", "rate_limit_hits", "cache"];

/**
 * The answer for `request` from the history `read` returns.
 *
 * @example
 * const answer = await localSeries((res, since) => readHistory(env, res, since), { range: "hour", now: Date.now(), workspace: null, prices: {} });
 */
export async function localSeries(read: HistoryReader, request: SeriesRequest): Promise<AnalyticsResponse> {
  const { workspace } = request;
  const series = new SeriesBuilder({
    ...request,
    source: "local",
    deploymentWide: workspace === null ? [] : WORKSPACE_BLIND,
  });
  const { resolution } = RANGE_SPECS[request.range];
  const rows = await read(
    resolution,
    series.starts[0] ?? request.now - RINGS[resolution].keep * RINGS[resolution].stepMs,
  );
  // Histograms per class and bucket: le → cumulative count, summed over routes and hours.
  const histograms = new Map<string, Map<number, Map<number, number>>>();
  const queriesAll = new Map<number, number>();
  for (const row of rows) {
    const { name, labels } = parseSeriesKey(row.key);
    const mine = workspace === null || labels.workspace === workspace;
    switch (name) {
      case "requests":
        series.addRequests(row.start, row.value, labels.status === "5xx" ? row.value : 0);
        break;
      case "latency_bucket": {
        const i = series.index(row.start);
        if (i < 0) break;
        const byBucket = histograms.get(labels.class ?? "") ?? new Map<number, Map<number, number>>();
        histograms.set(labels.class ?? "", byBucket);
        const buckets = byBucket.get(i) ?? new Map<number, number>();
        byBucket.set(i, buckets);
        const le = labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(labels.le);
        if (!Number.isNaN(le)) buckets.set(le, (buckets.get(le) ?? 0) + row.value);
        break;
      }
      case "queries":
        // The cache hit rate's denominator: every query, as the cache hits are deployment-wide.
        queriesAll.set(row.start, (queriesAll.get(row.start) ?? 0) + row.value);
        if (mine) series.addQueries(labels.mode ?? "", row.start, row.value);
        break;
      case "documents":
        if (mine) series.addDocuments(labels.status ?? "", row.start, row.value);
        break;
      case "cache_hits":
        if (labels.cache === "query") series.addCache(row.start, row.value, 0);
        break;
      case "rate_limit_hits":
        series.addRateLimited(labels.limit ?? "", row.start, row.value);
        break;
      case "llm_tokens":
        if (mine) {
          const prompt = labels.kind === "prompt" ? row.value : 0;
          series.addTokens(labels.workspace ?? "", labels.model ?? "", row.start, prompt, row.value - prompt);
        }
        break;
    }
  }
  for (const [start, count] of queriesAll) series.addCache(start, 0, count);
  for (const [routeClass, byBucket] of histograms) {
    for (const [i, buckets] of byBucket) {
      const list = [...buckets].map(([le, count]) => ({ le, count }));
      const ms = (q: number) => {
        const seconds = histogramQuantile(q, list);
        return seconds === null ? null : Math.round(seconds * 1000 * 10) / 10;
      };
      series.setLatency(routeClass, series.starts[i] ?? 0, ms(0.5), ms(0.95));
    }
  }
  return series.build();
}
