/**
 * Queue handlers of the ingestion pipeline. `rag.ingest`: prepare each document (chunks,
 * embeddings, extraction) with a shared LLM budget, merge finished documents in batches
 * through the workspace coordinator, mark failures `failed` (nothing of them stays in the
 * graph) and ask the queue to retry them with backoff. `rag.delete`: one rebuild per batch.
 * Their dead-letter twins mark what is left as failed. Every handler takes the batch's
 * `Runtime` (config and runtime flags resolved once by the queue entry) and reads no env config.
 */
import type { Logger } from "../observability/logger";
import { countMetricWithEnv } from "../observability/metrics";
import { prepareDocument } from "../rag/ingest";
import { createLimiter, mapLimit } from "../rag/pool";
import { type RagDeps, RagError } from "../rag/types";
import type { Runtime } from "../runtime/runtime";
import type { PipelineCoordinator } from "./coordinator-client";
import { DELETE_MESSAGE, DELETE_RETRY_DELAY_SECONDS, documentBatch, enqueueDelete } from "./ingest-messages";
import { MergeQueue } from "./merge-queue";
import type { QueueMessageHandler } from "./queue";

export type { PipelineCoordinator } from "./coordinator-client";

/** How long a cancellation answer is reused before asking the coordinator again. */
const CANCEL_CHECK_MS = 500;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface BatchOutcome {
  processed: number;
  failures: { docId: string; error: unknown }[];
}

/**
 * Prepares `docIds` with one shared LLM budget and merges finished documents in batches;
 * a failed document is taken out of the graph and marked failed with its error.
 */
export async function processDocuments(
  deps: RagDeps,
  coordinator: PipelineCoordinator,
  workspace: string,
  docIds: string[],
  options: { parallel: number; log: Logger; onOutcome?: (status: "processed" | "failed") => void },
): Promise<BatchOutcome> {
  const llmSlots = createLimiter(deps.settings.llmConcurrency);
  let checkedAt = 0;
  let cancelled = false;
  const isCancelled = async () => {
    if (!cancelled && Date.now() - checkedAt > CANCEL_CHECK_MS) {
      checkedAt = Date.now();
      cancelled = await coordinator.cancelRequested();
    }
    return cancelled;
  };
  const merges = new MergeQueue({ merge: (ids) => coordinator.merge(workspace, ids) });
  const failures: BatchOutcome["failures"] = [];
  let processed = 0;
  const fail = async (docId: string, error: unknown) => {
    failures.push({ docId, error });
    options.log.warn("document failed", { workspace, doc_id: docId, error: messageOf(error) });
    await coordinator.unmerge(workspace, [docId], messageOf(error));
    options.onOutcome?.("failed");
  };
  const started = Date.now();
  await coordinator.beginJob(`Processing ${docIds.length} document(s)`, docIds.length);
  const pendingMerges: Promise<void>[] = [];
  const merge = (docId: string) =>
    pendingMerges.push(
      merges.add(docId).then(
        () => {
          processed++;
          options.onOutcome?.("processed");
        },
        (error) => fail(docId, error),
      ),
    );
  // With an LLM, extraction is slow: merge each document as soon as it is ready. Without one,
  // extraction is fast and one merge for the whole batch saves recomputing shared nodes.
  const deferred: string[] = [];
  const records = new Map((await deps.stores.documents.get(workspace, docIds)).map((doc) => [doc.id, doc]));
  await mapLimit(docIds, options.parallel, async (docId) => {
    try {
      const record = records.get(docId);
      if (!record) return;
      const outcome = await prepareDocument(deps, workspace, docId, { llmSlots, isCancelled, record });
      if (outcome.kind === "skipped") return;
      if (deps.settings.enhanced) merge(docId);
      else deferred.push(docId);
    } catch (error) {
      await fail(docId, error);
    }
  });
  for (const docId of deferred) merge(docId);
  const extractedAt = Date.now();
  await Promise.all(pendingMerges);
  options.log.info("ingestion batch done", {
    workspace,
    docs: docIds.length,
    processed,
    failed: failures.length,
    prepare_ms: extractedAt - started,
    merge_tail_ms: Date.now() - extractedAt,
  });
  await coordinator.finishJob(
    `Processed ${processed} of ${docIds.length} document(s)${failures.length ? `, ${failures.length} failed` : ""}`,
  );
  return { processed, failures };
}

/**
 * Why writes to `workspace` must wait, if they must: read-only mode, a workspace lock (a restore
 * in progress) or, for ingestion, ENABLE_DOCUMENT_PROCESSING=false. Runtime flags, not env.
 */
function pauseReason(rt: Runtime, workspace: string, kind: "ingest" | "delete"): string | null {
  const { flags, workspaceLocks } = rt;
  if (flags.READ_ONLY_MODE) return "the service is read-only";
  if (Object.hasOwn(workspaceLocks, workspace)) return "the workspace is read-only (locked)";
  if (kind === "ingest" && !flags.ENABLE_DOCUMENT_PROCESSING) return "ENABLE_DOCUMENT_PROCESSING is off";
  return null;
}

/** Processes one `rag.ingest` batch; throws when some document should be retried. */
export const ingestBatch: QueueMessageHandler = async (body, rt) => {
  const { env, config, log, services } = rt;
  const { workspace, doc_ids: docIds } = documentBatch.parse(body);
  const reason = pauseReason(rt, workspace, "ingest");
  if (reason) {
    // Acknowledged, not retried: retries would run out and fail the documents. They stay
    // `pending` and the stalled-document cron enqueues them again once processing may resume.
    log.info("ingestion paused; documents stay pending", { workspace, docs: docIds.length, reason });
    return;
  }
  // Extraction here and the coordinator's merges both run with the batch's effective flags.
  const deps = services.engine;
  // More documents than LLM slots in flight, so short documents keep every slot busy.
  const parallel = Math.max(config.MAX_PARALLEL_INSERT, 4 * deps.settings.llmConcurrency);
  const { failures } = await processDocuments(deps, services.coordinator(workspace), workspace, docIds, {
    parallel,
    log,
    onOutcome: (status) =>
      countMetricWithEnv(env, rt.waitUntil, "lightrag_documents_processed_total", { status, workspace }),
  });
  const retriable = failures.filter(
    ({ error }) => !(error instanceof RagError && error.kind === "cancelled"),
  );
  if (retriable.length > 0) {
    throw new Error(`${retriable.length} document(s) failed: ${messageOf(retriable[0]?.error)}`);
  }
};

/** Dead letters of `rag.ingest`: whatever is not processed after the last retry stays failed. */
export const ingestDeadLetter: QueueMessageHandler = async (body, { log, services }) => {
  const { workspace, doc_ids: docIds } = documentBatch.parse(body);
  const docs = await services.stores.documents.get(workspace, docIds);
  const open = docs
    .filter((doc) => doc.status !== "processed" && doc.status !== "failed")
    .map((doc) => doc.id);
  if (open.length > 0) {
    await services
      .coordinator(workspace)
      .unmerge(workspace, open, "Processing gave up after the queue's retries");
  }
  log.error("ingestion retries exhausted", { workspace, doc_ids: docIds, reopened: open.length });
};

/** `rag.delete`: one rebuild for the whole batch. */
export const deleteBatch: QueueMessageHandler = async (body, rt) => {
  const { workspace, doc_ids: docIds } = documentBatch.parse(body);
  // A deletion accepted before read-only mode (or a restore) began waits for the queue's retry.
  const reason = pauseReason(rt, workspace, "delete");
  if (reason) throw new Error(`deletion deferred: ${reason}`);
  await rt.services.coordinator(workspace).deleteDocuments(workspace, docIds);
};

/**
 * A deletion out of queue retries (a long read-only spell, a restore, an outage) goes back on
 * the queue after DELETE_RETRY_DELAY_SECONDS: a user's deletion is never silently dropped.
 */
export const deleteDeadLetter: QueueMessageHandler = async (body, { env, log }) => {
  const parsed = documentBatch.safeParse(body);
  if (!parsed.success || parsed.data.type !== DELETE_MESSAGE) {
    log.error("malformed deletion dropped from the dead-letter queue", { body });
    return;
  }
  const { workspace, doc_ids: docIds } = parsed.data;
  await enqueueDelete(env, workspace, docIds, DELETE_RETRY_DELAY_SECONDS);
  log.error("document deletion retries exhausted; sent again", {
    workspace,
    doc_ids: docIds,
    delay_seconds: DELETE_RETRY_DELAY_SECONDS,
  });
};
