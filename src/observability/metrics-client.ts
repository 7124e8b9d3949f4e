/**
 * Talks to the metrics Durable Object shards: each isolate sticks to one shard for its
 * batches, and a scrape (or the dashboard's history) reads every shard and sums them, after
 * sending this isolate's pending request samples (metrics-buffer.ts).
 */
import type { Bindings } from "../env";
import { durableObjectId } from "../storage/durable-object-ids";
import type { HistoryRow, Resolution } from "./analytics/history";
import { createLogger } from "./logger";
import type { MetricBatchMessage, MetricSnapshot } from "./metrics-aggregator";
import { flushRequestMetrics } from "./metrics-buffer";

/** Shards of the aggregator; one DO handles on the order of a thousand small writes a second. */
export const METRIC_SHARDS = 4;

export type MetricBatch = MetricBatchMessage;

let isolate: { id: string; shard: number } | undefined;

/**
 * This isolate's identity for the active-requests gauge, and its shard. Drawn on first use:
 * workerd refuses random values at module load, so `wrangler dev` would not start.
 */
export function isolateIdentity(): { id: string; shard: number } {
  isolate ??= { id: crypto.randomUUID(), shard: Math.floor(Math.random() * METRIC_SHARDS) };
  return isolate;
}

function shard(env: Pick<Bindings, "METRICS">, index: number) {
  return env.METRICS.get(durableObjectId(env.METRICS, `metrics-${index}`));
}

/**
 * Sends `batch`; resolves (never rejects) once delivered or given up, logging the loss.
 *
 * @example
 * ctx.waitUntil(sendMetricBatch(env, { samples: [["lightrag_requests_total", 1]] }));
 */
export async function sendMetricBatch(env: Pick<Bindings, "METRICS">, batch: MetricBatch): Promise<void> {
  if (batch.samples.length === 0 && !batch.isolate) return;
  try {
    await shard(env, isolateIdentity().shard).add(batch);
  } catch (error) {
    createLogger("INFO").warn("metrics batch lost", {
      samples: batch.samples.length,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Sums every shard: series totals and the active requests of live isolates. */
export async function readAggregate(
  env: Pick<Bindings, "METRICS">,
): Promise<{ samples: Map<string, number>; active: number }> {
  await flushRequestMetrics(env);
  const snapshots: MetricSnapshot[] = await Promise.all(
    Array.from({ length: METRIC_SHARDS }, (_, index) => shard(env, index).snapshot()),
  );
  const samples = new Map<string, number>();
  const isolates = new Map<string, { active: number; seen_at: number }>();
  for (const snapshot of snapshots) {
    for (const { key, value } of snapshot.samples) samples.set(key, (samples.get(key) ?? 0) + value);
    for (const isolate of snapshot.isolates) {
      const known = isolates.get(isolate.id);
      if (!known || known.seen_at < isolate.seen_at) isolates.set(isolate.id, isolate);
    }
  }
  let active = 0;
  for (const isolate of isolates.values()) active += isolate.active;
  return { samples, active };
}

/**
 * Every shard's history rows of `resolution` since `since`, summed per bucket and key.
 *
 * @example
 * const rows = await readHistory(env, "minute", Date.now() - 3_600_000);
 */
export async function readHistory(
  env: Pick<Bindings, "METRICS">,
  resolution: Resolution,
  since: number,
): Promise<HistoryRow[]> {
  await flushRequestMetrics(env);
  const parts = await Promise.all(
    Array.from({ length: METRIC_SHARDS }, (_, index) => shard(env, index).history(resolution, since)),
  );
  const summed = new Map<string, HistoryRow>();
  for (const row of parts.flat()) {
    const id = `${row.start}\u0000${row.key}`;
    const known = summed.get(id);
    if (known) known.value += row.value;
    else summed.set(id, { ...row });
  }
  return [...summed.values()];
}
