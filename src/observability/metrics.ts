/**
 * Counting API for the whole service. Samples are summed in memory per request (or per
 * background invocation) and sent as one batch to the metrics Durable Object in `waitUntil`,
 * so totals are aggregated across isolates and counting never delays an answer.
 */
import type { Context } from "hono";
import type { Env } from "../env";
import type { AppEnv } from "../http/app-env";
import { currentWaitUntil, detachedWaitUntil } from "../runtime/background";
import { type QueryPoint, writeDocumentPoint, writeQueryPoint } from "./analytics";
import {
  allowedLabels,
  COUNTERS,
  type CounterName,
  DURATION_BUCKETS,
  REQUEST_DURATION,
} from "./metric-names";
import { queueSamples } from "./metrics-buffer";
import { sendMetricBatch } from "./metrics-client";
import { seriesKey } from "./prometheus";
import { requestWaitUntil } from "./request-context";

/** Counters callers may increment; histograms and gauges are recorded by the metrics middleware. */
export type MetricName = CounterName;

/** Samples summed per request, keyed by the request's context; the middleware flushes them. */
const requestBatches = new WeakMap<object, Map<string, number>>();

/** When each request started, for the duration of its Analytics Engine query point. */
const requestStarts = new WeakMap<object, number>();

/**
 * Settled documents also become Analytics Engine data points, so the pipeline's counter feeds
 * the dashboards without a second call. Queries do not: their point carries what the counter
 * cannot (cache hit, duration), so the query routes write it with `writeRequestQueryPoint`.
 */
function analyticsFor(env: Env, name: MetricName, labels: Record<string, string> = {}): void {
  if (name !== "lightrag_documents_processed_total") return;
  writeDocumentPoint(env, {
    workspace: labels.workspace ?? "default",
    source: "pipeline",
    ok: labels.status !== "failed",
    duration_ms: 0,
  });
}

/**
 * Writes the Analytics Engine point of a query answered in request `c` (once per query); its
 * duration is the request's so far, timed from the metrics middleware's start.
 *
 * @example
 * writeRequestQueryPoint(c, { workspace, mode: "mix", ok: true, cached: run.cacheHit });
 */
export function writeRequestQueryPoint(c: Context<AppEnv>, point: Omit<QueryPoint, "duration_ms">): void {
  const startedAt = requestStarts.get(c);
  writeQueryPoint(c.env, { ...point, duration_ms: startedAt === undefined ? 0 : Date.now() - startedAt });
}

/** Samples of background work, coalesced per `waitUntil` until the next macrotask. */
const backgroundBatches = new WeakMap<(p: Promise<unknown>) => void, Map<string, number>>();

/**
 * Adds `by` (default 1) to counter `name` for the current request.
 *
 * @example
 * countMetric(c, "lightrag_rate_limit_hits_total", { limit: "login" });
 */
export function countMetric(
  c: Context<AppEnv>,
  name: MetricName,
  labels?: Record<string, string>,
  by = 1,
): void {
  const batch = requestBatches.get(c);
  if (batch) {
    analyticsFor(c.env, name, labels);
    addSample(batch, name, labels, by);
    return;
  }
  // Outside the metrics middleware (app.request in unit code, early middleware): send on its own.
  countMetricWithEnv(c.env, requestWaitUntil(c), name, labels, by);
}

/**
 * Same outside a request (queue consumer, cron, a request's work after its answer). Calls
 * sharing one `waitUntil` in the same tick travel in one batch, which joins the isolate's
 * window when an entry point is bound (`runInInvocation`) and is sent on its own otherwise.
 *
 * @example
 * countMetricWithEnv(env, ctx.waitUntil.bind(ctx), "lightrag_documents_processed_total", { status: "processed" });
 */
export function countMetricWithEnv(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  name: MetricName,
  labels?: Record<string, string>,
  by = 1,
): void {
  analyticsFor(env, name, labels);
  const pending = backgroundBatches.get(waitUntil);
  if (pending) {
    addSample(pending, name, labels, by);
    return;
  }
  const batch = new Map<string, number>();
  addSample(batch, name, labels, by);
  backgroundBatches.set(waitUntil, batch);
  // Inside an entry point the tick's batch joins the isolate's window (one aggregator call per
  // second, metrics-buffer.ts); outside one (Durable Object calls, unit code) nothing would keep
  // a window's timer alive, so it goes at once.
  const inEntryPoint = currentWaitUntil() !== undefined;
  // The window's timer holds the entry point's own waitUntil, not the invocation (its pool).
  const windowWaitUntil = detachedWaitUntil() ?? waitUntil;
  waitUntil(
    new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      backgroundBatches.delete(waitUntil);
      if (inEntryPoint) queueSamples(env, batch, windowWaitUntil);
      else return sendMetricBatch(env, { samples: [...batch] });
    }),
  );
}

/** Starts summing the samples of request `c` (metrics middleware only). */
export function openRequestBatch(c: object, startedAt = Date.now()): Map<string, number> {
  const batch = new Map<string, number>();
  requestBatches.set(c, batch);
  requestStarts.set(c, startedAt);
  return batch;
}

/** Ends the batch of request `c` and returns it (metrics middleware only). */
export function closeRequestBatch(c: object): Map<string, number> {
  const batch = requestBatches.get(c) ?? new Map<string, number>();
  requestBatches.delete(c);
  requestStarts.delete(c);
  return batch;
}

/** Adds a counter sample to `batch`; unknown counters and undeclared labels are ignored. */
export function addSample(
  batch: Map<string, number>,
  name: MetricName,
  labels: Record<string, string> | undefined,
  by: number,
): void {
  const spec = COUNTERS[name];
  if (!spec || !Number.isFinite(by) || by <= 0) return;
  const key = seriesKey(name, allowedLabels(spec, labels));
  batch.set(key, (batch.get(key) ?? 0) + by);
}

/** The series keys of one label set's histogram: a bucket per bound, then +Inf, sum and count. */
interface HistogramKeys {
  buckets: string[];
  inf: string;
  sum: string;
  count: string;
}

/**
 * Histogram keys per label set (route template, method, status: a bounded set), built once per
 * isolate: every request used to build and escape 14 keys. Cleared if it ever grows past the cap.
 */
const histogramKeys = new Map<string, HistogramKeys>();
const MAX_HISTOGRAM_LABEL_SETS = 2000;

function keysOf(labels: Record<string, string>): HistogramKeys {
  const id = Object.entries(labels)
    .map(([key, value]) => `${key}\u0000${value}`)
    .join("\u0001");
  let keys = histogramKeys.get(id);
  if (!keys) {
    if (histogramKeys.size >= MAX_HISTOGRAM_LABEL_SETS) histogramKeys.clear();
    keys = {
      buckets: DURATION_BUCKETS.map((bound) =>
        seriesKey(`${REQUEST_DURATION}_bucket`, { ...labels, le: String(bound) }),
      ),
      inf: seriesKey(`${REQUEST_DURATION}_bucket`, { ...labels, le: "+Inf" }),
      sum: seriesKey(`${REQUEST_DURATION}_sum`, labels),
      count: seriesKey(`${REQUEST_DURATION}_count`, labels),
    };
    histogramKeys.set(id, keys);
  }
  return keys;
}

/** Adds one observation of `seconds` to the request duration histogram (cumulative buckets). */
export function observeDuration(
  batch: Map<string, number>,
  labels: Record<string, string>,
  seconds: number,
): void {
  const add = (key: string, by: number) => batch.set(key, (batch.get(key) ?? 0) + by);
  const keys = keysOf(labels);
  DURATION_BUCKETS.forEach((bound, i) => {
    if (seconds <= bound) add(keys.buckets[i] as string, 1);
  });
  add(keys.inf, 1);
  add(keys.sum, seconds);
  add(keys.count, 1);
}
