/** The dashboard's chart logic: which charts an answer makes, summaries and table rows. */
import { describe, expect, it } from "vitest";
import type { AnalyticsAnswer } from "../../webui/src/api/analytics";
import {
  chartsOf,
  formatTick,
  formatValue,
  hasData,
  summarize,
  tableRows,
} from "../../webui/src/lib/dashboard";

const T0 = Date.UTC(2026, 11, 5, 22, 0) / 1000;

function answer(overrides: Partial<AnalyticsAnswer> = {}): AnalyticsAnswer {
  return {
    range: "hour",
    source: "local",
    workspace: null,
    step_seconds: 60,
    timestamps: [T0, T0 + 60, T0 + 120],
    requests: { total: [4, 0, 6], errors: [1, 0, 0], error_rate: [0.25, null, 0] },
    latency_ms: { query: { p50: [12, null, 20], p95: [80, null, 95] } },
    queries: { mix: [1, 0, 2] },
    ingestion: { processed: [0, 0, 3], failed: [0, 0, 1] },
    llm: [
      {
        workspace: "a",
        model: "m",
        prompt_tokens: [10, 0, 0],
        completion_tokens: [5, 0, 0],
        cost_usd: [0.001, 0, 0],
      },
      {
        workspace: "b",
        model: "free",
        prompt_tokens: [0, 0, 1],
        completion_tokens: [0, 0, 1],
        cost_usd: null,
      },
    ],
    rate_limit_hits: {},
    cache: { hits: [0, 0, 1], lookups: [1, 0, 2], hit_rate: [0, null, 0.5] },
    deployment_wide: [],
    ...overrides,
  };
}

describe("chartsOf", () => {
  it("makes the nine charts in order, latency per class and percentile, tokens per workspace and model", () => {
    const charts = chartsOf(answer());
    expect(charts.map((chart) => chart.id)).toEqual([
      "requests",
      "error-rate",
      "latency",
      "queries",
      "ingestion",
      "llm-tokens",
      "llm-cost",
      "rate-limits",
      "cache",
    ]);
    const byId = Object.fromEntries(charts.map((chart) => [chart.id, chart]));
    expect(byId.latency?.series.map((s) => s.label)).toEqual(["query p50", "query p95"]);
    expect(byId["error-rate"]?.series[0]?.values).toEqual([25, null, 0]);
    expect(byId["llm-tokens"]?.series).toEqual([
      { label: "a · m", values: [15, 0, 0] },
      { label: "b · free", values: [0, 0, 2] },
    ]);
    // Only priced models have a cost series.
    expect(byId["llm-cost"]?.series.map((s) => s.label)).toEqual(["a · m"]);
    // An empty family keeps its chart, with one empty series.
    expect(byId["rate-limits"]?.series).toEqual([{ label: "no data", values: [null, null, null] }]);
    expect(hasData(byId["rate-limits"] ?? { id: "", title: "", unit: "count", series: [] })).toBe(false);
    expect(hasData(byId.requests ?? { id: "", title: "", unit: "count", series: [] })).toBe(true);
  });
});

describe("summaries and tables", () => {
  it("totals counts, gives latest and peak for rates, and says so when there is nothing", () => {
    const [requests, errorRate, latency, , , , , limits] = chartsOf(answer());
    expect(summarize(requests ?? never())).toBe(
      "requests: 10 in total, peak 6. errors (5xx): 1 in total, peak 1.",
    );
    expect(summarize(errorRate ?? never())).toBe("5xx share: latest 0.0 %, peak 25.0 %.");
    expect(summarize(latency ?? never())).toContain("query p95: latest 95.0 ms, peak 95.0 ms.");
    expect(summarize(limits ?? never())).toBe("No data in this window.");
  });

  it("lists non-empty buckets newest first with formatted cells", () => {
    const [requests] = chartsOf(answer());
    expect(tableRows(requests ?? never(), answer().timestamps)).toEqual([
      { time: "2026-12-05T22:02:00Z", cells: ["6", "0"] },
      { time: "2026-12-05T22:00:00Z", cells: ["4", "1"] },
    ]);
  });

  it("formats values per unit", () => {
    expect(formatValue(null, "ms")).toBe("—");
    expect(formatValue(12345, "tokens")).toBe("12,345");
    expect(formatValue(0.5, "count")).toBe("0.50");
    expect(formatValue(0.00123, "usd")).toBe("$0.0012");
    expect(formatValue(33.333, "percent")).toBe("33.3 %");
    expect(formatTick(2500, "ms")).toBe("2.5 s");
    expect(formatTick(450.4, "ms")).toBe("450 ms");
    expect(formatTick(12_000, "tokens")).toBe("12.0k");
    expect(formatTick(3, "count")).toBe("3");
    expect([0.5, 1, 1.5].map((tick) => formatTick(tick, "percent"))).toEqual(["0.5 %", "1 %", "1.5 %"]);
    expect(formatTick(25, "percent")).toBe("25 %");
  });
});

function never(): never {
  throw new Error("missing chart");
}
