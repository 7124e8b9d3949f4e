/** Reads Prometheus text exposition into samples, and sums the series that match a filter. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g;

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = LINE.exec(line.trim());
    if (!match || line.startsWith("#")) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(LABEL)) labels[label[1] ?? ""] = label[2] ?? "";
    samples.push({ name: match[1] ?? "", labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * Sum of `name`'s series whose labels pass `filter`.
 *
 * @example
 * sumSeries(samples, "lightrag_requests_total", (l) => l.status?.startsWith("5") ?? false);
 */
export function sumSeries(
  samples: readonly Sample[],
  name: string,
  filter: (labels: Record<string, string>) => boolean = () => true,
): number {
  return samples.filter((s) => s.name === name && filter(s.labels)).reduce((total, s) => total + s.value, 0);
}

/** Totals the canary watches, from one scrape. */
export function canaryTotals(samples: readonly Sample[]) {
  const requests = "lightrag_requests_total";
  const isAuthRoute = (route: string | undefined) =>
    route === "/login" || route === "/auth/login" || route === "/auth/refresh";
  return {
    requests: sumSeries(samples, requests),
    errors: sumSeries(samples, requests, (l) => (l.status ?? "").startsWith("5")),
    authAttempts: sumSeries(samples, requests, (l) => isAuthRoute(l.route)),
    authFailures: sumSeries(samples, "lightrag_auth_failures_total"),
  };
}
