/**
 * Queue accounting for the depth gauge: producers count what they send, the consumer counts
 * what it acknowledges, retries, drops or receives as a dead letter, per message type.
 * Depth = sent − acked − dropped − dead_lettered, per type (types nobody counts as sent read 0).
 */
import type { Bindings, Env } from "../env";
import { countMetricWithEnv } from "./metrics";
import { sendMetricBatch } from "./metrics-client";
import { seriesKey } from "./prometheus";

/** The one queue of the service (binding INGEST_QUEUE), as a label. */
export const INGEST_QUEUE_LABEL = "ingest";

export type QueueEvent = "acked" | "retried" | "dropped" | "dead_lettered";

/**
 * Counts `count` messages of `type` just sent; awaited by producers that have no `waitUntil`
 * (one small Durable Object call), and never throws.
 *
 * @example
 * await env.INGEST_QUEUE.sendBatch(messages);
 * await countQueueSent(env, "rag.ingest", messages.length);
 */
export async function countQueueSent(env: Pick<Bindings, "METRICS">, type: string, count = 1): Promise<void> {
  if (count <= 0) return;
  const key = seriesKey("lightrag_queue_messages_total", {
    queue: INGEST_QUEUE_LABEL,
    type: type.slice(0, 64),
    event: "sent",
  });
  await sendMetricBatch(env, { samples: [[key, count]] });
}

/** Counts one consumer outcome for a message of `type`. */
export function countQueueEvent(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  type: string,
  event: QueueEvent,
): void {
  countMetricWithEnv(env, waitUntil, "lightrag_queue_messages_total", {
    queue: INGEST_QUEUE_LABEL,
    type,
    event,
  });
}
