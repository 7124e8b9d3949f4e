/**
 * `GET /metrics`: Prometheus text for the whole deployment. A scraper presents
 * `Authorization: Bearer <METRICS_TOKEN>`; administrators (and everyone in open mode) need no token.
 */
import { Hono } from "hono";
import { scrapeMetrics } from "../../observability/metrics-scrape";
import { PROMETHEUS_CONTENT_TYPE } from "../../observability/prometheus";
import { isAdministrator, requireAdministrator } from "../admin-access";
import type { AppEnv } from "../app-env";

export const metricsRoutes = new Hono<AppEnv>();

metricsRoutes.get("/metrics", async (c) => {
  const token = c.get("config").METRICS_TOKEN;
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  const byToken = token !== undefined && presented !== undefined && (await sameSecret(presented, token));
  if (!byToken && !isAdministrator(c)) requireAdministrator(c, "metrics");
  // The accounts' workspace list (D1 or Postgres); a failing read only narrows the scrape.
  const known = await c
    .get("services")
    .accounts.directory.listWorkspaces()
    .then((rows) => rows.slice(0, 50))
    .catch(() => []);
  const names = [...new Set([c.get("config").WORKSPACE, ...known.map((row) => row.id)])];
  const body = await scrapeMetrics(c.env, names);
  return c.body(body, 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" });
});

/** Compares two secrets in constant time (digests first, so lengths do not leak). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}
