/**
 * Request metrics, right after `accessLog`: counts the request, times it into the duration
 * histogram by route template, method and status, tracks in-flight requests, and adds the
 * request's batch (with whatever routes counted) to the isolate's window, which goes to the
 * aggregator in `waitUntil` once per second or 100 requests (metrics-buffer.ts). Also writes
 * the request's Analytics Engine data point.
 */
import type { MiddlewareHandler } from "hono";
import { writeRequestPoint } from "../../observability/analytics";
import { addSample, closeRequestBatch, observeDuration, openRequestBatch } from "../../observability/metrics";
import { queueRequestMetrics, trackInFlight } from "../../observability/metrics-buffer";
import { executionWaitUntil, recordWorkspace, routeTemplate } from "../../observability/request-context";
import type { AppEnv } from "../app-env";

export const requestMetrics: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  trackInFlight(1);
  openRequestBatch(c, started);
  try {
    await next();
  } finally {
    trackInFlight(-1);
    const batch = closeRequestBatch(c);
    const duration_ms = Date.now() - started;
    const status = c.res.status;
    const labels = { route: routeTemplate(c), method: c.req.method, status: String(status) };
    addSample(batch, "lightrag_requests_total", labels, 1);
    if (status >= 500)
      addSample(batch, "lightrag_errors_total", { route: labels.route, kind: "http_5xx" }, 1);
    observeDuration(batch, labels, duration_ms / 1000);
    // Untracked: the window's timer needs nothing the invocation closes (a Postgres pool).
    queueRequestMetrics(c.env, batch, executionWaitUntil(c));
    writeRequestPoint(c.env, { workspace: recordWorkspace(c), ...labels, status, duration_ms });
  }
};
