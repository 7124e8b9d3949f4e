/**
 * Sends metric batches to the aggregating Durable Object. Filled in with the aggregator change.
 */
import type { Env } from "../env";

export interface MetricBatch {
  samples: Array<[string, number]>;
}

/** Sends `batch`; resolves (never rejects) once delivered or given up. */
export async function sendMetricBatch(_env: Env, _batch: MetricBatch): Promise<void> {}
