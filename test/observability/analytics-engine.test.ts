/**
 * The dashboard engine as plain TS: route classes, the bucket grid, histogram percentiles, the
 * history keys the aggregator stores, the series builder, the local source and the Analytics
 * Engine SQL.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { engineQueries } from "../../src/observability/analytics/engine-sql";
import { historySamples, parseSeriesKey } from "../../src/observability/analytics/history";
import { localSeries } from "../../src/observability/analytics/local-source";
import { histogramQuantile } from "../../src/observability/analytics/percentile";
import { tokenCost } from "../../src/observability/analytics/prices";
import { bucketIndex, gridOf } from "../../src/observability/analytics/ranges";
import { routeClass } from "../../src/observability/analytics/route-class";
import { SeriesBuilder } from "../../src/observability/analytics/series";
import { observeDuration } from "../../src/observability/metrics";
import { seriesKey } from "../../src/observability/prometheus";

const NOW = Date.UTC(2026, 11, 5, 22, 30, 15);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("route classes", () => {
  it("are the rate classes of the route policy table, unmatched for unknown routes", () => {
    expect(routeClass("POST", "/query/stream")).toBe("query");
    expect(routeClass("POST", "/documents/upload")).toBe("ingest");
    expect(routeClass("GET", "/admin/users")).toBe("admin");
    expect(routeClass("POST", "/auth/login")).toBe("auth");
    expect(routeClass("HEAD", "/health/live")).toBe("exempt");
    expect(routeClass("GET", "/documents")).toBe("default");
    expect(routeClass("GET", "unmatched")).toBe("unmatched");
  });
});

describe("bucket grid", () => {
  it("ends with the bucket holding now, aligned to the step, oldest first", () => {
    const hour = gridOf("hour", NOW);
    expect(hour.starts).toHaveLength(60);
    expect(hour.starts.at(-1)).toBe(Date.UTC(2026, 11, 5, 22, 30));
    expect(hour.starts[0]).toBe(Date.UTC(2026, 11, 5, 21, 31));
    const week = gridOf("week", NOW);
    expect(week.starts).toHaveLength(28);
    expect(week.starts.at(-1)).toBe(Date.UTC(2026, 11, 5, 18));
    expect(bucketIndex(week, Date.UTC(2026, 11, 5, 23, 59))).toBe(27);
    expect(bucketIndex(week, Date.UTC(2026, 10, 1))).toBe(-1);
    expect(bucketIndex(hour, NOW + MINUTE)).toBe(-1);
  });
});

describe("histogramQuantile", () => {
  it("interpolates inside the bucket that holds the rank, as Prometheus does", () => {
    const buckets = [
      { le: 0.1, count: 1 },
      { le: 0.2, count: 3 },
      { le: Number.POSITIVE_INFINITY, count: 3 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.125);
    expect(histogramQuantile(1, buckets)).toBeCloseTo(0.2);
    expect(histogramQuantile(0.2, buckets)).toBeCloseTo(0.06);
  });

  it("answers the largest finite bound for a rank in +Inf, and null without observations", () => {
    expect(
      histogramQuantile(0.95, [
        { le: 1, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 10 },
      ]),
    ).toBe(1);
    expect(histogramQuantile(0.5, [{ le: Number.POSITIVE_INFINITY, count: 0 }])).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it("recovers the median of observations recorded through the metrics histogram", () => {
    const batch = new Map<string, number>();
    for (const seconds of [0.003, 0.02, 0.04, 0.07, 0.3]) observeDuration(batch, { route: "/q" }, seconds);
    const buckets = [...batch]
      .filter(([key]) => key.includes("_bucket"))
      .map(([key, count]) => {
        const le = parseSeriesKey(key).labels.le ?? "";
        return { le: le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), count };
      });
    const median = histogramQuantile(0.5, buckets) ?? 0;
    // The true median, 40 ms, lies in the (25 ms, 50 ms] bucket.
    expect(median).toBeGreaterThan(0.025);
    expect(median).toBeLessThanOrEqual(0.05);
  });
});

describe("history samples", () => {
  it("keeps charted series under compact keys and sums a request's histogram per class", () => {
    const batch = new Map<string, number>();
    const labels = { route: "/query", method: "POST", status: "503" };
    batch.set(seriesKey("lightrag_requests_total", labels), 1);
    observeDuration(batch, labels, 0.2);
    batch.set(seriesKey("lightrag_queries_executed_total", { mode: "mix", workspace: "w" }), 1);
    batch.set(seriesKey("lightrag_auth_failures_total", { reason: "x" }), 1);
    batch.set(seriesKey("lightrag_llm_tokens_total", { kind: "prompt", model: 'm"1', workspace: "w" }), 90);
    const history = new Map(historySamples([...batch]));
    expect(history.get('requests{class="query",status="5xx"}')).toBe(1);
    expect(history.get('latency_bucket{class="query",le="0.25"}')).toBe(1);
    expect(history.get('latency_bucket{class="query",le="0.1"}')).toBeUndefined();
    expect(history.get('latency_bucket{class="query",le="+Inf"}')).toBe(1);
    expect(history.get('queries{mode="mix",workspace="w"}')).toBe(1);
    expect(history.get('llm_tokens{kind="prompt",model="m\\"1",workspace="w"}')).toBe(90);
    expect([...history.keys()].some((key) => key.startsWith("lightrag_auth"))).toBe(false);
    expect(parseSeriesKey('llm_tokens{kind="prompt",model="m\\"1",workspace="w"}').labels.model).toBe('m"1');
  });
});

describe("SeriesBuilder", () => {
  it("derives the error rate, the cache hit rate and the cost per bucket", () => {
    const series = new SeriesBuilder({
      range: "hour",
      now: NOW,
      source: "local",
      workspace: null,
      prices: { m: { prompt: 1, completion: 2 } },
    });
    series.addRequests(NOW, 10, 1);
    series.addRequests(NOW - 2 * HOUR, 5, 5); // outside the window
    series.addCache(NOW, 1, 4);
    series.addTokens("w", "m", NOW, 1_000_000, 500_000);
    series.addTokens("w", "unpriced", NOW, 10, 10);
    const answer = series.build();
    expect(answer.timestamps.at(-1)).toBe(Date.UTC(2026, 11, 5, 22, 30) / 1000);
    expect(answer.requests.total.at(-1)).toBe(10);
    expect(answer.requests.total.reduce((a, b) => a + b)).toBe(10);
    expect(answer.requests.error_rate.at(-1)).toBeCloseTo(0.1);
    expect(answer.requests.error_rate[0]).toBeNull();
    expect(answer.cache.hit_rate.at(-1)).toBeCloseTo(0.25);
    expect(answer.llm.find((row) => row.model === "m")?.cost_usd?.at(-1)).toBeCloseTo(2);
    expect(answer.llm.find((row) => row.model === "unpriced")?.cost_usd).toBeNull();
    expect(tokenCost({}, "x", 1, 1)).toBeNull();
  });
});

describe("localSeries", () => {
  it("builds every series from history rows, with percentiles per route class", async () => {
    const minute = Math.floor(NOW / MINUTE) * MINUTE;
    const rows = [
      ['requests{class="query",status="2xx"}', 3],
      ['requests{class="query",status="5xx"}', 1],
      ['latency_bucket{class="query",le="0.05"}', 2],
      ['latency_bucket{class="query",le="0.1"}', 4],
      ['latency_bucket{class="query",le="+Inf"}', 4],
      ['queries{mode="mix",workspace="a"}', 2],
      ['queries{mode="local",workspace="b"}', 2],
      ['cache_hits{cache="query"}', 1],
      ['documents{status="processed",workspace="a"}', 5],
      ['documents{status="failed",workspace="b"}', 1],
      ['rate_limit_hits{limit="auth"}', 7],
      ['llm_tokens{kind="prompt",model="m",workspace="a"}', 100],
      ['llm_tokens{kind="completion",model="m",workspace="a"}', 20],
    ].map(([key, value]) => ({
      resolution: "minute" as const,
      start: minute,
      key: String(key),
      value: Number(value),
    }));
    let asked: [string, number] | undefined;
    const read = async (resolution: "minute" | "hour", since: number) => {
      asked = [resolution, since];
      return rows;
    };
    const all = await localSeries(read, { range: "hour", now: NOW, workspace: null, prices: {} });
    expect(asked).toEqual(["minute", minute - 59 * MINUTE]);
    expect(all.requests.total.at(-1)).toBe(4);
    expect(all.requests.error_rate.at(-1)).toBeCloseTo(0.25);
    expect(all.latency_ms.query?.p50.at(-1)).toBe(50);
    expect(all.latency_ms.query?.p95.at(-1)).toBe(95);
    expect(all.latency_ms.query?.p50[0]).toBeNull();
    expect(all.queries).toEqual({ local: expect.any(Array), mix: expect.any(Array) });
    expect(all.cache.hit_rate.at(-1)).toBeCloseTo(0.25);
    expect(all.ingestion.processed.at(-1)).toBe(5);
    expect(all.ingestion.failed.at(-1)).toBe(1);
    expect(all.rate_limit_hits.auth?.at(-1)).toBe(7);
    expect(all.llm).toEqual([expect.objectContaining({ workspace: "a", model: "m", cost_usd: null })]);
    expect(all.llm[0]?.prompt_tokens.at(-1)).toBe(100);
    expect(all.llm[0]?.completion_tokens.at(-1)).toBe(20);
    expect(all.deployment_wide).toEqual([]);

    const b = await localSeries(read, { range: "hour", now: NOW, workspace: "b", prices: {} });
    expect(Object.keys(b.queries)).toEqual(["local"]);
    expect(b.ingestion.processed.at(-1)).toBe(0);
    expect(b.ingestion.failed.at(-1)).toBe(1);
    expect(b.llm).toEqual([]);
    expect(b.deployment_wide).toContain("requests");
  });

  it("merges hourly buckets into 6-hour ones for the week", async () => {
    const read = async () => [
      {
        resolution: "hour" as const,
        start: Date.UTC(2026, 11, 5, 19),
        key: 'requests{class="default",status="2xx"}',
        value: 2,
      },
      {
        resolution: "hour" as const,
        start: Date.UTC(2026, 11, 5, 22),
        key: 'requests{class="default",status="2xx"}',
        value: 3,
      },
    ];
    const week = await localSeries(read, { range: "week", now: NOW, workspace: null, prices: {} });
    expect(week.step_seconds).toBe(6 * 3600);
    expect(week.requests.total.at(-1)).toBe(5);
  });
});

describe("engineQueries", () => {
  it("groups each point kind per step of the window, narrowed to a workspace by index1", () => {
    const sql = engineQueries("lightrag_edge_production", "day", "team_a");
    expect(sql.requests).toContain("toStartOfInterval(timestamp, INTERVAL '1' HOUR) AS t");
    expect(sql.requests).toContain("FROM lightrag_edge_production WHERE blob1 = 'request'");
    expect(sql.requests).toContain("timestamp > NOW() - INTERVAL '1' DAY");
    expect(sql.requests).toContain("quantileExactWeighted(0.95)(double1, _sample_interval) AS p95");
    expect(sql.requests).toContain("index1 = 'team_a'");
    expect(sql.requests).toContain("GROUP BY t, class");
    expect(sql.queries).toContain("blob1 = 'query'");
    expect(sql.documents).toContain("blob1 = 'document'");
    expect(sql.llm).toContain("SUM(double2 * _sample_interval) AS prompt_tokens");
    expect(engineQueries("d", "week", null).llm).not.toContain("index1");
    expect(engineQueries("d", "week", null).llm).toContain("INTERVAL '6' HOUR");
  });

  it("refuses a dataset or workspace that is not a plain identifier", () => {
    expect(() => engineQueries("x; DROP", "hour", null)).toThrow(/dataset/);
    expect(() => engineQueries("d", "hour", "a' OR '1'='1")).toThrow(/workspace/);
  });
});

describe("analytics configuration", () => {
  it("reads LLM_PRICES as JSON prices per million tokens and names a bad value", () => {
    const prices = '{"gpt-4o-mini":{"prompt":0.15,"completion":0.6}}';
    expect(parseConfig({ LLM_PRICES: prices }).config?.LLM_PRICES).toEqual({
      "gpt-4o-mini": { prompt: 0.15, completion: 0.6 },
    });
    expect(parseConfig({}).config?.LLM_PRICES).toEqual({});
    expect(parseConfig({ LLM_PRICES: "{" }).problems).toEqual(["LLM_PRICES: must be JSON"]);
    expect(parseConfig({ LLM_PRICES: '{"m":{"prompt":-1,"completion":0}}' }).problems[0]).toMatch(
      /^LLM_PRICES/,
    );
  });

  it("needs the account and the token for the Analytics Engine source, and never echoes the token", () => {
    const { problems } = parseConfig({ ANALYTICS_SOURCE: "analytics_engine" });
    expect(problems).toEqual([
      "CF_ACCOUNT_ID: is required when ANALYTICS_SOURCE=analytics_engine",
      "ANALYTICS_API_TOKEN: is required when ANALYTICS_SOURCE=analytics_engine (wrangler secret put ANALYTICS_API_TOKEN)",
    ]);
    const ready = parseConfig({
      ANALYTICS_SOURCE: "analytics_engine",
      CF_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
      ANALYTICS_API_TOKEN: "t".repeat(40),
      ANALYTICS_DATASET: "lightrag_edge_production",
    });
    expect(ready.problems).toEqual([]);
    expect(parseConfig({ ANALYTICS_DATASET: "a b" }).problems[0]).toMatch(/^ANALYTICS_DATASET/);
    expect(parseConfig({ CF_ACCOUNT_ID: "not-hex" }).problems[0]).toMatch(/^CF_ACCOUNT_ID/);
  });
});
