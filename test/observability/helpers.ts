/** Shared helpers of the observability tests: scraping /metrics and reading one series. */
import { SELF } from "cloudflare:test";

/** GET /metrics through the real Worker; `headers` for token tests. */
export async function scrape(headers: Record<string, string> = {}): Promise<string> {
  const res = await SELF.fetch("http://x/metrics", { headers });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${await res.text()}`);
  return res.text();
}

/** The value of one exact series line (`name{labels}`), 0 when absent. */
export function seriesValue(text: string, series: string): number {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

/**
 * Scrapes until `series` reaches `expected` (metrics arrive through waitUntil) or the time is up,
 * and returns the last value seen.
 */
export async function waitForSeries(series: string, expected: number, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = seriesValue(await scrape(), series);
  while (value < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = seriesValue(await scrape(), series);
  }
  return value;
}
