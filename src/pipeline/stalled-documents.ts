/**
 * Cron job (every 15 minutes): a document never stays `processing` or `pending` forever.
 * One untouched for DOCUMENT_STALL_TIMEOUT is re-enqueued, or marked failed once it has used
 * MAX_DOCUMENT_ATTEMPTS processing runs (its partial graph, if any, is taken out).
 */
import type { Runtime } from "../runtime/runtime";
import type { DocumentRef } from "../storage/documents";
import { enqueueIngest } from "./ingest-messages";
import type { ScheduledJob } from "./scheduled";

/** Documents looked at per run, per status. */
const SCAN_LIMIT = 500;

function byWorkspace(refs: DocumentRef[]): Map<string, DocumentRef[]> {
  const groups = new Map<string, DocumentRef[]>();
  for (const ref of refs) groups.set(ref.workspace, [...(groups.get(ref.workspace) ?? []), ref]);
  return groups;
}

/** Returns how many documents were re-enqueued and how many failed. */
export async function recoverStalledDocuments(rt: Runtime, now = Date.now()) {
  const { env, config, log, services } = rt;
  const { stores } = services;
  const before = now - config.DOCUMENT_STALL_TIMEOUT * 1000;
  const stalled = [
    ...(await stores.documents.idsByStatus(null, "processing", before, SCAN_LIMIT)),
    ...(await stores.documents.idsByStatus(null, "pending", before, SCAN_LIMIT)),
  ];
  let retried = 0;
  let failed = 0;
  for (const [workspace, refs] of byWorkspace(stalled)) {
    const exhausted = refs.filter((ref) => ref.attempts >= config.MAX_DOCUMENT_ATTEMPTS).map((ref) => ref.id);
    const again = refs.filter((ref) => ref.attempts < config.MAX_DOCUMENT_ATTEMPTS).map((ref) => ref.id);
    if (exhausted.length > 0) {
      await services
        .coordinator(workspace)
        .unmerge(
          workspace,
          exhausted,
          `Stalled: no progress for ${config.DOCUMENT_STALL_TIMEOUT} s after ${config.MAX_DOCUMENT_ATTEMPTS} attempts`,
        );
      failed += exhausted.length;
    }
    if (again.length > 0) {
      await stores.documents.setStatus(workspace, again, {
        status: "pending",
        errorMsg: "Stalled; re-enqueued",
      });
      await enqueueIngest(env, workspace, again);
      retried += again.length;
    }
  }
  if (stalled.length > 0) log.warn("stalled documents recovered", { retried, failed });
  return { retried, failed };
}

/** The housekeeping cron's job (listed in src/runtime/cron-jobs.ts). */
export const stalledDocumentsJob: ScheduledJob = async (rt) => {
  await recoverStalledDocuments(rt);
};
