/**
 * `GET /admin/analytics?range=hour|day|week&workspace=`: the dashboard's time series. Global
 * administrators only (like `/metrics`: the series span the deployment, and a key never sees
 * the whole deployment). The source is configuration: the metrics aggregator's local history,
 * or Analytics Engine through its SQL API with the server-side ANALYTICS_API_TOKEN.
 */
import { Hono } from "hono";
import { engineSeries } from "../../observability/analytics/engine-source";
import { localSeries } from "../../observability/analytics/local-source";
import { analyticsQuery } from "../../observability/analytics/schema";
import { readHistory } from "../../observability/metrics-client";
import { requireAdministrator } from "../admin-access";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";

export const adminAnalyticsRoutes = new Hono<AppEnv>();

adminAnalyticsRoutes.get("/admin/analytics", async (c) => {
  requireAdministrator(c, "analytics");
  const parsed = analyticsQuery.safeParse(c.req.query());
  if (!parsed.success) {
    throw new AppError(422, "validation_error", "Invalid analytics query", {
      details: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  const config = c.get("config");
  const request = {
    range: parsed.data.range,
    now: Date.now(),
    workspace: parsed.data.workspace ?? null,
    prices: config.LLM_PRICES,
  };
  const answer =
    config.ANALYTICS_SOURCE === "analytics_engine" && config.CF_ACCOUNT_ID && config.ANALYTICS_API_TOKEN
      ? await engineSeries(
          {
            baseUrl: config.ANALYTICS_API_URL,
            accountId: config.CF_ACCOUNT_ID,
            token: config.ANALYTICS_API_TOKEN,
            dataset: config.ANALYTICS_DATASET,
          },
          request,
        )
      : await localSeries((resolution, since) => readHistory(c.env, resolution, since), request);
  return c.json(answer, 200, { "Cache-Control": "no-store" });
});
