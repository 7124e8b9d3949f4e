/**
 * Request metrics, right after `accessLog`: counts the request, times it into the duration
 * histogram by route template, method and status, tracks in-flight requests, and sends the
 * request's batch (with whatever routes counted) to the aggregator in `waitUntil`. Also writes
 * the request's Analytics Engine data point.
 */
import type { MiddlewareHandler } from "hono";
import { writeRequestPoint } from "../../observability/analytics";
import { addSample, closeRequestBatch, observeDuration, openRequestBatch } from "../../observability/metrics";
import { isolateIdentity, sendMetricBatch } from "../../observability/metrics-client";
import { recordWorkspace, requestWaitUntil, routeTemplate } from "../../observability/request-context";
import type { AppEnv } from "../app-env";

/** Requests in flight in this isolate. */
let active = 0;

export const requestMetrics: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  active++;
  openRequestBatch(c, started);
  try {
    await next();
  } finally {
    active--;
    const batch = closeRequestBatch(c);
    const duration_ms = Date.now() - started;
    const status = c.res.status;
    const labels = { route: routeTemplate(c), method: c.req.method, status: String(status) };
    addSample(batch, "lightrag_requests_total", labels, 1);
    if (status >= 500)
      addSample(batch, "lightrag_errors_total", { route: labels.route, kind: "http_5xx" }, 1);
    observeDuration(batch, labels, duration_ms / 1000);
    requestWaitUntil(c)(
      sendMetricBatch(c.env, { samples: [...batch], isolate: { id: isolateIdentity().id, active } }),
    );
    writeRequestPoint(c.env, { workspace: recordWorkspace(c), ...labels, status, duration_ms });
  }
};
