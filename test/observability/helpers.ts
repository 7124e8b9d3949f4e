/** Shared helpers of the observability and audit tests: scraping /metrics, reading a series, test apps. */
import { SELF } from "cloudflare:test";
import { Hono, type MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import type { Principal } from "../../src/auth/principal";
import type { AppEnv } from "../../src/http/app-env";
import { onError } from "../../src/http/error-handler";
import { accessLog } from "../../src/http/middleware/access-log";
import { configGuard } from "../../src/http/middleware/config-guard";
import { resolveRuntimeFlags } from "../../src/http/middleware/runtime-flags";

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

/**
 * `routes` behind the app's own first middleware (request id, access log, config guard, runtime flags), the
 * principal the auth layer would set and then `middleware`, so access rules are tested without
 * the auth stack.
 */
export function appWithPrincipal(
  routes: Hono<AppEnv>,
  principal?: Principal,
  ...middleware: MiddlewareHandler<AppEnv>[]
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: "X-Request-ID" }));
  app.use(accessLog);
  app.use(configGuard);
  app.use(resolveRuntimeFlags);
  app.use(async (c, next) => {
    if (principal) c.set("principal", principal);
    await next();
  });
  for (const handler of middleware) app.use(handler);
  app.route("/", routes);
  app.onError(onError);
  return app;
}
