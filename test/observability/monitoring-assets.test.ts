import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import dashboard from "../../monitoring/grafana/lightrag-dashboard.json";
import alertsText from "../../monitoring/prometheus/lightrag_alerts.yml?raw";
import { exportedMetricNames } from "../../src/observability/metric-names";
import { scrape } from "./helpers";

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  "sum",
  "min",
  "max",
  "avg",
  "count",
  "stddev",
  "stdvar",
  "topk",
  "bottomk",
  "quantile",
  "count_values",
  "group",
  "rate",
  "irate",
  "increase",
  "delta",
  "idelta",
  "deriv",
  "histogram_quantile",
  "clamp_min",
  "clamp_max",
  "abs",
  "absent",
  "ceil",
  "floor",
  "round",
  "scalar",
  "vector",
  "time",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "offset",
  "bool",
  "e",
  "inf",
  "nan",
]);

/** Prometheus' own series, present for every scrape target. */
const SYNTHETIC = new Set(["up", "scrape_duration_seconds"]);

/** The metric names an expression reads, histogram suffixes folded into the family. */
function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = stripped.match(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b/g) ?? [];
  return names
    .filter((name) => !PROMQL_WORDS.has(name) && !/^\d/.test(name))
    .map((name) => name.replace(/_(bucket|sum|count)$/, ""));
}

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string };
}

const exported = new Set(exportedMetricNames());
const rules = (parse(alertsText) as { groups: Array<{ name: string; rules: Rule[] }> }).groups;
const panels = (
  dashboard as { panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }> }
).panels;

describe("Prometheus alert rules", () => {
  it("carry the seed's critical and warning rules with severities", () => {
    const byGroup = Object.fromEntries(
      rules.map((group) => [group.name, group.rules.map((rule) => rule.alert)]),
    );
    expect(byGroup["lightrag.critical"]).toEqual(
      expect.arrayContaining(["LightRAGServiceDown", "HighErrorRate", "DatabaseConnectionFailure"]),
    );
    expect(byGroup["lightrag.warning"]).toEqual(expect.arrayContaining(["HighResponseTime"]));
    for (const group of rules) {
      const severity = group.name.split(".")[1];
      for (const rule of group.rules) {
        expect(rule.labels.severity, rule.alert).toBe(severity);
        expect(rule.annotations.summary, rule.alert).toBeTruthy();
      }
    }
  });

  it("only use metrics the service exports (or Prometheus' own `up`)", () => {
    for (const rule of rules.flatMap((group) => group.rules)) {
      const used = metricsIn(rule.expr);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) {
        expect(exported.has(name) || SYNTHETIC.has(name), `${rule.alert} uses ${name}`).toBe(true);
      }
    }
  });
});

describe("Grafana dashboard", () => {
  it("has the overview, latency, errors and auth/security rows", () => {
    const rows = panels.filter((panel) => panel.type === "row").map((panel) => panel.title);
    expect(rows).toEqual(expect.arrayContaining(["Overview", "Latency", "Errors", "Auth / Security"]));
  });

  it("only queries exported metrics, and each of them appears in a live scrape", async () => {
    const text = await scrape();
    const used = new Set(
      panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricsIn(target.expr))),
    );
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) {
      expect(exported.has(name), `dashboard uses ${name}`).toBe(true);
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });
});

describe("metricsIn", () => {
  it("reads metric names out of PromQL and ignores functions, labels and ranges", () => {
    expect(
      metricsIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(lightrag_request_duration_seconds_bucket{route="/q"}[5m]))) > 2',
      ),
    ).toEqual(["lightrag_request_duration_seconds"]);
    expect(metricsIn('up{job="lightrag"} == 0')).toEqual(["up"]);
    expect(metricsIn("sum(rate(a_total[5m])) / clamp_min(sum(rate(b_total[5m])), 1e-9)")).toEqual([
      "a_total",
      "b_total",
    ]);
  });
});
