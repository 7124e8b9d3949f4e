/**
 * Prometheus text exposition (format 0.0.4): series keys as they appear on the wire, and the
 * rendering of aggregated samples grouped into families with HELP and TYPE.
 */
import { COUNTERS, type MetricSpec, OTHER_METRICS } from "./metric-names";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** `name{a="x",b="y"}` with labels sorted and values escaped; the key of an aggregated sample. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return name;
  const body = keys.map((key) => `${key}="${escapeLabel(labels[key] ?? "")}"`).join(",");
  return `${name}{${body}}`;
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

/** The family a series belongs to: its name without labels and histogram suffixes. */
export function familyOf(key: string): string {
  const name = key.split("{", 1)[0] ?? key;
  return name.replace(/_(bucket|sum|count)$/, "");
}

/**
 * Renders `samples` (series key → value) as exposition text, one HELP/TYPE block per family
 * of the registry, families in registry order, series sorted inside each.
 *
 * @example
 * renderPrometheus(new Map([['lightrag_requests_total{method="GET"}', 3]]))
 */
export function renderPrometheus(samples: Map<string, number>): string {
  const specs: Record<string, MetricSpec> = { ...COUNTERS, ...OTHER_METRICS };
  const byFamily = new Map<string, string[]>();
  for (const key of [...samples.keys()].sort()) {
    const family = familyOf(key);
    if (!specs[family] && !specs[key.split("{", 1)[0] ?? ""]) continue;
    const name = specs[family] ? family : (key.split("{", 1)[0] ?? key);
    const list = byFamily.get(name) ?? [];
    list.push(key);
    byFamily.set(name, list);
  }
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    lines.push(`# HELP ${name} ${spec.help}`, `# TYPE ${name} ${spec.type}`);
    for (const key of byFamily.get(name) ?? []) lines.push(`${key} ${formatValue(samples.get(key) ?? 0)}`);
  }
  return `${lines.join("\n")}\n`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
