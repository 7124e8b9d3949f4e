/**
 * Coalesces the requests' metric batches per isolate: one Durable Object call for up to
 * FLUSH_AT_REQUESTS requests or FLUSH_AFTER_MS, instead of one per request (the call and the
 * aggregator's SQL transaction were 5–9 % of a query's CPU).
 *
 * Trade-offs, and why they are safe:
 * - Freshness: a request's samples reach the aggregator at most FLUSH_AFTER_MS after it ended.
 *   A read of the aggregate in this isolate (`/metrics`, the dashboard's history) flushes the
 *   pending samples first, so it always counts every request this isolate has answered; a
 *   scrape answered by another isolate may miss the last second of this one (Prometheus
 *   scrapes every 15 s or more; the next scrape has them).
 * - Loss: the first request of a window keeps its invocation open with `waitUntil` until the
 *   window's flush (well inside the 30 s `waitUntil` limit), so an isolate that goes idle or
 *   is evicted still sends them. Only an isolate that dies abruptly (out of memory, a crash)
 *   loses its pending window, as it would lose the requests in flight; counters may then be
 *   short by at most one window of one isolate.
 * - The active-requests gauge is reported at each flush (the count in flight then), at least
 *   once per window while requests arrive; the aggregator forgets isolates silent for a minute.
 */
import { loadConfig } from "../config";
import type { Bindings } from "../env";
import { IsolateWindow } from "./isolate-window";
import { isolateIdentity, sendMetricBatch } from "./metrics-client";

/** A window's batch goes out at most this long after its first request ended. */
export const FLUSH_AFTER_MS = 1000;
/** ...or as soon as this many requests are in it. */
export const FLUSH_AT_REQUESTS = 100;

interface Window {
  samples: Map<string, number>;
  requests: number;
  /** The bindings of the request that opened it, which its timer sends with. */
  env: Pick<Bindings, "METRICS">;
}

/** The open window of this isolate (module state lives as long as the isolate). */
const windows = new IsolateWindow<Window>((window) => send(window.env, window));

/** Requests in flight in this isolate, for the active-requests gauge. */
let inFlight = 0;

/**
 * Marks a request started or ended (the metrics middleware) for the active-requests gauge.
 *
 * @example
 * trackInFlight(1); try { await next(); } finally { trackInFlight(-1); }
 */
export function trackInFlight(delta: 1 | -1): void {
  inFlight = Math.max(0, inFlight + delta);
}

/** The window's length: the validated config's METRICS_WINDOW_MS (memoised per env), else FLUSH_AFTER_MS. */
function windowMs(env: object): number {
  return loadConfig(env).config?.METRICS_WINDOW_MS ?? FLUSH_AFTER_MS;
}

function send(env: Pick<Bindings, "METRICS">, window: Window): Promise<void> {
  return sendMetricBatch(env, {
    samples: [...window.samples],
    isolate: { id: isolateIdentity().id, active: inFlight },
  });
}

/**
 * Adds one request's samples to the isolate's window. The request that opens a window hands
 * its flush to `waitUntil` (after FLUSH_AFTER_MS); the request that fills it sends it at once.
 *
 * @example
 * queueRequestMetrics(c.env, batch, (p) => c.executionCtx.waitUntil(p));
 */
export function queueRequestMetrics(
  env: Pick<Bindings, "METRICS">,
  samples: Map<string, number>,
  waitUntil: (promise: Promise<unknown>) => void,
): void {
  queueSamples(env, samples, waitUntil, 1);
}

/**
 * Adds samples of work inside an entry point (a request's LLM token counters once its answer
 * is out, a queue batch's or cron run's counters) to the window without counting a request.
 *
 * @example
 * queueSamples(env, new Map([[key, 12]]), waitUntil);
 */
export function queueSamples(
  env: Pick<Bindings, "METRICS">,
  samples: Map<string, number> | Array<[string, number]>,
  waitUntil: (promise: Promise<unknown>) => void,
  requests = 0,
): void {
  const opened = () => ({ samples: new Map<string, number>(), requests: 0, env });
  const window = windows.current(opened, () => windowMs(env), waitUntil);
  for (const [key, by] of samples) window.samples.set(key, (window.samples.get(key) ?? 0) + by);
  window.requests += requests;
  if (window.requests >= FLUSH_AT_REQUESTS) waitUntil(send(env, windows.take() as Window));
}

/**
 * Sends this isolate's open window now, from the caller's own invocation (never through another
 * request's timer); resolves once it is stored or its loss logged. Reads of the aggregate call
 * it first, so they count every request this isolate has answered.
 *
 * @example
 * await flushRequestMetrics(env); const { samples } = await readShards(env);
 */
export async function flushRequestMetrics(env: Pick<Bindings, "METRICS">): Promise<void> {
  const window = windows.take();
  if (window) await send(env, window);
}

/** Requests waiting in the open window (tests). */
export function pendingRequests(): number {
  return windows.peek()?.requests ?? 0;
}
