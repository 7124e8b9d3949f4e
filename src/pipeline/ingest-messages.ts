/**
 * Queue messages: every message type the Worker's queue carries (`QUEUE_MESSAGE_TYPES`, the
 * keys of the handler table in src/runtime/queue-handlers.ts), and the ingestion pipeline's
 * own messages. Those carry ids, never text (Queues cap a message at 128 KB):
 * `{type: "rag.ingest" | "rag.delete", workspace, doc_ids}`.
 */
import { z } from "zod";
import { WORKSPACE_PATTERN } from "../config/server";
import type { Bindings } from "../env";
import { countQueueSent } from "../observability/queue-metrics";

export const INGEST_MESSAGE = "rag.ingest";
export const DELETE_MESSAGE = "rag.delete";
/** A deferred audit-table row (src/audit/sinks.ts). */
export const AUDIT_WRITE_MESSAGE = "audit.write";
/** A manual backup (`POST /admin/backups`). */
export const BACKUP_CREATE_MESSAGE = "backup.create";
/** One step of a restore, re-sent until the restore finishes. */
export const BACKUP_RESTORE_MESSAGE = "backup.restore";

/** Every message type sent to INGEST_QUEUE; each has a handler and a dead-letter handler. */
export const QUEUE_MESSAGE_TYPES = [
  INGEST_MESSAGE,
  DELETE_MESSAGE,
  AUDIT_WRITE_MESSAGE,
  BACKUP_CREATE_MESSAGE,
  BACKUP_RESTORE_MESSAGE,
] as const;

export type QueueMessageType = (typeof QUEUE_MESSAGE_TYPES)[number];

/** Documents per message: ~5 KB of ids (Queues allow 128 KB), and one merge for many documents. */
export const DOCS_PER_MESSAGE = 200;

export const documentBatch = z.object({
  type: z.enum([INGEST_MESSAGE, DELETE_MESSAGE]),
  workspace: z.string().regex(WORKSPACE_PATTERN),
  doc_ids: z.array(z.string().min(1).max(200)).min(1).max(1000),
});

export type DocumentBatch = z.infer<typeof documentBatch>;

function batches(ids: string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** Sends ingestion messages for `docIds`, `DOCS_PER_MESSAGE` per message. */
export async function enqueueIngest(env: Bindings, workspace: string, docIds: string[]): Promise<void> {
  const messages = batches(docIds, DOCS_PER_MESSAGE).map((doc_ids) => ({
    body: { type: INGEST_MESSAGE, workspace, doc_ids } satisfies DocumentBatch,
  }));
  if (messages.length === 0) return;
  await env.INGEST_QUEUE.sendBatch(messages);
  await countQueueSent(env, INGEST_MESSAGE, messages.length);
}

/** Wait before a deletion that ran out of queue retries is tried again (it is never dropped). */
export const DELETE_RETRY_DELAY_SECONDS = 600;

/**
 * Sends one deletion message (a batch delete is one rebuild), after `delaySeconds` if given.
 *
 * @example
 * await enqueueDelete(env, "default", ["doc-1", "doc-2"]);
 */
export async function enqueueDelete(
  env: Bindings,
  workspace: string,
  docIds: string[],
  delaySeconds?: number,
): Promise<void> {
  const body = { type: DELETE_MESSAGE, workspace, doc_ids: docIds } satisfies DocumentBatch;
  await (delaySeconds === undefined
    ? env.INGEST_QUEUE.send(body)
    : env.INGEST_QUEUE.send(body, { delaySeconds }));
  await countQueueSent(env, DELETE_MESSAGE);
}
