/**
 * The dashboard's charts as data: which charts an analytics answer makes, their series, a text
 * summary (each chart's accessible description) and the rows of its table alternative. Pure,
 * so the page only draws; unit-tested in test/webui/dashboard.test.ts.
 */
import type { AnalyticsAnswer } from "../api/analytics";

export type Unit = "count" | "percent" | "ms" | "tokens" | "usd";

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: Unit;
  series: ChartSeries[];
}

const pct = (values: Array<number | null>) => values.map((v) => (v === null ? null : v * 100));

/**
 * Every chart of the dashboard for `answer`, in display order. A chart whose series are all
 * missing (no route class, no model yet) still appears with one empty series, so the layout
 * is stable and says "no data" rather than vanishing.
 *
 * @example
 * chartsOf(answer).map((chart) => chart.title); // ["Requests", "Error rate", …]
 */
export function chartsOf(answer: AnalyticsAnswer): ChartSpec[] {
  const empty = answer.timestamps.map(() => null);
  const orEmpty = (series: ChartSeries[]) =>
    series.length > 0 ? series : [{ label: "no data", values: empty }];
  const latency = Object.entries(answer.latency_ms).flatMap(([routeClass, { p50, p95 }]) => [
    { label: `${routeClass} p50`, values: p50 },
    { label: `${routeClass} p95`, values: p95 },
  ]);
  const priced = answer.llm.filter((row) => row.cost_usd !== null);
  return [
    {
      id: "requests",
      title: "Requests",
      unit: "count",
      series: [
        { label: "requests", values: answer.requests.total },
        { label: "errors (5xx)", values: answer.requests.errors },
      ],
    },
    {
      id: "error-rate",
      title: "Error rate",
      unit: "percent",
      series: [{ label: "5xx share", values: pct(answer.requests.error_rate) }],
    },
    { id: "latency", title: "Latency by route class", unit: "ms", series: orEmpty(latency) },
    {
      id: "queries",
      title: "Queries by mode",
      unit: "count",
      series: orEmpty(Object.entries(answer.queries).map(([mode, values]) => ({ label: mode, values }))),
    },
    {
      id: "ingestion",
      title: "Ingestion",
      unit: "count",
      series: [
        { label: "processed", values: answer.ingestion.processed },
        { label: "failed", values: answer.ingestion.failed },
      ],
    },
    {
      id: "llm-tokens",
      title: "LLM tokens by workspace and model",
      unit: "tokens",
      series: orEmpty(
        answer.llm.map((row) => ({
          label: `${row.workspace} · ${row.model}`,
          values: row.prompt_tokens.map((prompt, i) => prompt + (row.completion_tokens[i] ?? 0)),
        })),
      ),
    },
    {
      id: "llm-cost",
      title: "LLM cost by workspace and model",
      unit: "usd",
      series: orEmpty(
        priced.map((row) => ({ label: `${row.workspace} · ${row.model}`, values: row.cost_usd ?? empty })),
      ),
    },
    {
      id: "rate-limits",
      title: "Rate-limit hits by class",
      unit: "count",
      series: orEmpty(
        Object.entries(answer.rate_limit_hits).map(([limit, values]) => ({ label: limit, values })),
      ),
    },
    {
      id: "cache",
      title: "Query cache hit rate",
      unit: "percent",
      series: [{ label: "hit rate", values: pct(answer.cache.hit_rate) }],
    },
  ];
}

/**
 * A value with its unit, for tables and summaries.
 *
 * @example
 * formatValue(12.345, "ms"); // "12.3 ms"
 */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null || !Number.isFinite(value)) return "—";
  switch (unit) {
    case "percent":
      return `${value.toFixed(1)} %`;
    case "ms":
      return `${value.toFixed(1)} ms`;
    case "usd":
      return `$${value.toFixed(4)}`;
    default:
      return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(2);
  }
}

/**
 * A short axis tick: whole milliseconds or seconds, k/M for large counts, one decimal for small
 * percentages.
 *
 * @example
 * formatTick(2500, "ms"); // "2.5 s"
 */
export function formatTick(value: number, unit: Unit): string {
  if (unit === "ms") return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
  // Small rates (a 1 % error rate has ticks at 0.2 %, 0.4 %…) keep a decimal, or ticks repeat.
  if (unit === "percent")
    return Math.abs(value) < 10 && !Number.isInteger(value)
      ? `${value.toFixed(1)} %`
      : `${Math.round(value)} %`;
  if (unit === "usd") return `$${value.toPrecision(2)}`;
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value * 100) / 100);
}

/** True when any series of `chart` has a non-zero value. */
export function hasData(chart: ChartSpec): boolean {
  return chart.series.some((series) => series.values.some((value) => value !== null && value !== 0));
}

const additive: ReadonlySet<Unit> = new Set(["count", "tokens", "usd"]);

/**
 * One sentence per series: the total (for counts) or the latest and peak value (for rates and
 * latencies). The chart's accessible description.
 *
 * @example
 * summarize(chart); // "requests: 42 in total, peak 9. errors (5xx): 0 in total, peak 0."
 */
export function summarize(chart: ChartSpec): string {
  if (!hasData(chart)) return "No data in this window.";
  return chart.series
    .map((series) => {
      const present = series.values.filter((value): value is number => value !== null);
      const peak = present.length > 0 ? Math.max(...present) : null;
      if (additive.has(chart.unit)) {
        const total = present.reduce((a, b) => a + b, 0);
        return `${series.label}: ${formatValue(total, chart.unit)} in total, peak ${formatValue(peak, chart.unit)}.`;
      }
      const latest = [...series.values].reverse().find((value) => value !== null) ?? null;
      return `${series.label}: latest ${formatValue(latest, chart.unit)}, peak ${formatValue(peak, chart.unit)}.`;
    })
    .join(" ");
}

/**
 * The table alternative: one row per bucket that has any value, newest first, with the bucket's
 * start as ISO time.
 *
 * @example
 * tableRows(chart, answer.timestamps)[0]; // { time: "2026-12-05T22:30:00Z", cells: ["9", "0"] }
 */
export function tableRows(
  chart: ChartSpec,
  timestamps: readonly number[],
): Array<{ time: string; cells: string[] }> {
  const rows: Array<{ time: string; cells: string[] }> = [];
  timestamps.forEach((t, i) => {
    const values = chart.series.map((series) => series.values[i] ?? null);
    if (values.every((value) => value === null || value === 0)) return;
    rows.push({
      time: new Date(t * 1000).toISOString().replace(".000Z", "Z"),
      cells: values.map((value) => formatValue(value, chart.unit)),
    });
  });
  return rows.reverse();
}
