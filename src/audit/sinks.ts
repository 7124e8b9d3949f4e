/**
 * Audit table sink. The insert runs in `waitUntil`; a slow or failing table gets a few bounded
 * retries, then the row goes to the queue (the consumer inserts it with the same id, so nothing
 * doubles); only if the queue refuses too is the row lost from the table, and that is logged.
 * The stdout line, written first, carries the event either way.
 */
import type { Env } from "../env";
import type { Logger } from "../observability/logger";
import { countQueueSent } from "../observability/queue-metrics";
import { AUDIT_WRITE_MESSAGE } from "../pipeline/ingest-messages";
import type { AuditRecord } from "./record";
import { type AuditStore, D1AuditStore } from "./store";

/** Queue message type of a deferred audit row. */
export { AUDIT_WRITE_MESSAGE } from "../pipeline/ingest-messages";

/** Per-attempt budget: beyond it the row is handed to the queue rather than waited for. */
export const INSERT_TIMEOUT_MS = 5000;
const RETRY_DELAYS_MS = [50, 250];

/**
 * Appends `record` to the audit table (`options.store`, the selected backend's from the
 * composition root; D1's when the entry point has no services, e.g. while the config is
 * refused); resolves (never rejects) when done or given up.
 */
export async function auditTableSink(
  env: Env,
  record: AuditRecord,
  log: Logger,
  options: { timeoutMs?: number; store?: AuditStore } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? INSERT_TIMEOUT_MS;
  const store = options.store ?? new D1AuditStore(env.DB);
  const id = crypto.randomUUID();
  let lastError: unknown;
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    try {
      await withTimeout(store.insert(id, record), timeoutMs);
      return;
    } catch (error) {
      lastError = error;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay !== undefined) await sleep(delay);
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  try {
    await env.INGEST_QUEUE.send({ type: AUDIT_WRITE_MESSAGE, id, record });
    await countQueueSent(env, AUDIT_WRITE_MESSAGE);
    log.warn("audit row deferred to the queue", { audit_id: id, error: reason });
  } catch (queueError) {
    log.error("audit row not stored in the table; the SECURITY line is the record", {
      audit_id: id,
      event_action: record.event_action,
      error: reason,
      queue_error: queueError instanceof Error ? queueError.message : String(queueError),
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`audit insert timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
