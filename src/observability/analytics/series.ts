/**
 * Assembles the dashboard answer from per-bucket observations. Both sources (the local history
 * and Analytics Engine) feed the same builder, so the answer has one shape and one set of
 * derived values (error rate, cache hit rate, cost) whatever the source.
 */
import type { PriceTable } from "./prices";
import { tokenCost } from "./prices";
import { type AnalyticsRange, bucketIndex, type Grid, gridOf } from "./ranges";
import type { AnalyticsResponse } from "./schema";

type Source = AnalyticsResponse["source"];

interface TokenSeries {
  workspace: string;
  model: string;
  prompt: number[];
  completion: number[];
}

/**
 * Collects observations of one window; `build()` returns the answer.
 *
 * @example
 * const series = new SeriesBuilder({ range: "hour", now: Date.now(), source: "local", workspace: null, prices: {} });
 * series.addRequests(Date.now(), 10, 1);
 * series.build().requests.error_rate.at(-1); // 0.1
 */
export class SeriesBuilder {
  private readonly grid: Grid;
  private readonly zeros: () => number[];
  private readonly nulls: () => Array<number | null>;
  private readonly total: number[];
  private readonly errors: number[];
  private readonly latency = new Map<string, { p50: Array<number | null>; p95: Array<number | null> }>();
  private readonly queries = new Map<string, number[]>();
  private readonly cacheHits: number[];
  private readonly cacheLookups: number[];
  private readonly processed: number[];
  private readonly failed: number[];
  private readonly tokens = new Map<string, TokenSeries>();
  private readonly limited = new Map<string, number[]>();

  constructor(
    private readonly options: {
      range: AnalyticsRange;
      now: number;
      source: Source;
      workspace: string | null;
      prices: PriceTable;
      deploymentWide?: string[];
    },
  ) {
    this.grid = gridOf(options.range, options.now);
    const n = this.grid.starts.length;
    this.zeros = () => new Array<number>(n).fill(0);
    this.nulls = () => new Array<number | null>(n).fill(null);
    this.total = this.zeros();
    this.errors = this.zeros();
    this.cacheHits = this.zeros();
    this.cacheLookups = this.zeros();
    this.processed = this.zeros();
    this.failed = this.zeros();
  }

  /** The grid's bucket starts (epoch ms), oldest first. */
  get starts(): readonly number[] {
    return this.grid.starts;
  }

  /** Index of the bucket holding `t`, or -1 outside the window. */
  index(t: number): number {
    return bucketIndex(this.grid, t);
  }

  addRequests(t: number, total: number, errors: number): void {
    this.add(this.total, t, total);
    this.add(this.errors, t, errors);
  }

  /** Sets the latency percentiles (ms) of route class `routeClass` in the bucket of `t`. */
  setLatency(routeClass: string, t: number, p50: number | null, p95: number | null): void {
    const i = this.index(t);
    if (i < 0) return;
    let series = this.latency.get(routeClass);
    if (!series) {
      series = { p50: this.nulls(), p95: this.nulls() };
      this.latency.set(routeClass, series);
    }
    series.p50[i] = p50;
    series.p95[i] = p95;
  }

  addQueries(mode: string, t: number, count: number): void {
    this.add(this.series(this.queries, mode), t, count);
  }

  /** Query answer cache: `hits` of `lookups` (queries that could have been answered from it). */
  addCache(t: number, hits: number, lookups: number): void {
    this.add(this.cacheHits, t, hits);
    this.add(this.cacheLookups, t, lookups);
  }

  addDocuments(status: string, t: number, count: number): void {
    this.add(status === "failed" ? this.failed : this.processed, t, count);
  }

  addTokens(workspace: string, model: string, t: number, prompt: number, completion: number): void {
    const id = `${workspace}\u0000${model}`;
    let series = this.tokens.get(id);
    if (!series) {
      series = { workspace, model, prompt: this.zeros(), completion: this.zeros() };
      this.tokens.set(id, series);
    }
    this.add(series.prompt, t, prompt);
    this.add(series.completion, t, completion);
  }

  addRateLimited(limit: string, t: number, count: number): void {
    this.add(this.series(this.limited, limit), t, count);
  }

  build(): AnalyticsResponse {
    const { prices } = this.options;
    return {
      range: this.options.range,
      source: this.options.source,
      workspace: this.options.workspace,
      step_seconds: this.grid.stepMs / 1000,
      timestamps: this.grid.starts.map((start) => Math.floor(start / 1000)),
      requests: { total: this.total, errors: this.errors, error_rate: ratio(this.errors, this.total) },
      latency_ms: Object.fromEntries([...this.latency].sort(([a], [b]) => a.localeCompare(b))),
      queries: Object.fromEntries([...this.queries].sort(([a], [b]) => a.localeCompare(b))),
      ingestion: { processed: this.processed, failed: this.failed },
      llm: [...this.tokens.values()]
        .sort((a, b) => a.workspace.localeCompare(b.workspace) || a.model.localeCompare(b.model))
        .map((series) => ({
          workspace: series.workspace,
          model: series.model,
          prompt_tokens: series.prompt,
          completion_tokens: series.completion,
          cost_usd: prices[series.model]
            ? series.prompt.map((prompt, i) =>
                tokenCost(prices, series.model, prompt, series.completion[i] ?? 0),
              )
            : null,
        })),
      rate_limit_hits: Object.fromEntries([...this.limited].sort(([a], [b]) => a.localeCompare(b))),
      cache: {
        hits: this.cacheHits,
        lookups: this.cacheLookups,
        hit_rate: ratio(this.cacheHits, this.cacheLookups),
      },
      deployment_wide: this.options.deploymentWide ?? [],
    };
  }

  private series(map: Map<string, number[]>, key: string): number[] {
    let series = map.get(key);
    if (!series) {
      series = this.zeros();
      map.set(key, series);
    }
    return series;
  }

  private add(series: number[], t: number, value: number): void {
    const i = this.index(t);
    if (i >= 0 && Number.isFinite(value)) series[i] = (series[i] ?? 0) + value;
  }
}

/** `part / whole` per bucket; null where `whole` is 0. */
function ratio(part: readonly number[], whole: readonly number[]): Array<number | null> {
  return whole.map((value, i) => (value > 0 ? Math.min(1, (part[i] ?? 0) / value) : null));
}
