/**
 * LightRAG's input-folder scan (`POST /documents/scan`) where there is no folder: files dropped
 * into R2 under `inputs/<workspace>/` are parsed with the upload parsers and registered as
 * documents, and the workspace's failed and stalled documents are queued again. A registered
 * file is deleted from the prefix (its text now lives in D1); one that cannot be read is moved
 * to `inputs/<workspace>/__failed__/` with the reason in its metadata, so no file is picked up
 * twice and none is lost.
 */
import { registerDocuments } from "../rag/documents";
import { hasControlCharacters, trackId } from "../rag/ids";
import { parseUpload } from "../rag/parsers/index";
import type { ExtractionLimits } from "../rag/parsers/limits";
import { RagError } from "../rag/types";
import type { Stores } from "../storage/index";

/** Files taken per scan; more wait for the next one (a request's CPU and subrequests are bounded). */
export const MAX_SCAN_FILES = 50;
/** Failed or stalled documents re-enqueued per scan, per status. */
const MAX_REQUEUED = 500;
/** Where files that could not be registered are kept, under the workspace's prefix. */
export const FAILED_FOLDER = "__failed__/";

export interface ScanDeps {
  stores: Stores;
  bucket: R2Bucket;
  enqueue(workspace: string, docIds: string[]): Promise<void>;
  limits: ExtractionLimits;
  /** Largest file read (MAX_UPLOAD_SIZE); a larger one is moved aside unread. */
  maxFileBytes: number;
  /** A document `pending` or `processing` untouched this long is stalled (DOCUMENT_STALL_TIMEOUT). */
  stallTimeoutSeconds: number;
  now?: number;
}

export interface ScanReport {
  trackId: string;
  /** Files registered as new documents. */
  registered: number;
  /** Files whose content was already a document (their object is deleted too). */
  duplicates: number;
  rejected: { file: string; error: string }[];
  /** Failed or stalled documents queued again. */
  requeued: number;
}

/** The R2 prefix scanned for `workspace`. */
export function inputPrefix(workspace: string): string {
  return `inputs/${workspace}/`;
}

/**
 * Scans `workspace`: its R2 inputs first, then its failed and stalled documents.
 *
 * @example
 * const report = await scanWorkspace({ stores, bucket: env.BACKUPS, enqueue, limits, maxFileBytes, stallTimeoutSeconds }, "default");
 */
export async function scanWorkspace(deps: ScanDeps, workspace: string): Promise<ScanReport> {
  const report: ScanReport = {
    trackId: trackId("scan"),
    registered: 0,
    duplicates: 0,
    rejected: [],
    requeued: 0,
  };
  const prefix = inputPrefix(workspace);
  // The delimiter keeps sub-folders (`__failed__/`) out of the listing.
  const listing = await deps.bucket.list({ prefix, delimiter: "/", limit: MAX_SCAN_FILES });
  for (const object of listing.objects) {
    const name = object.key.slice(prefix.length);
    const error = await registerFile(deps, workspace, object, name, report);
    if (error === null) {
      await deps.bucket.delete(object.key);
    } else {
      report.rejected.push({ file: name, error });
      await moveAside(deps.bucket, object.key, `${prefix}${FAILED_FOLDER}${name}`, error);
    }
  }
  report.requeued = await requeueStuck(deps, workspace);
  return report;
}

/** Registers one file; the reason it cannot be, or null. */
async function registerFile(
  deps: ScanDeps,
  workspace: string,
  object: R2Object,
  name: string,
  report: ScanReport,
): Promise<string | null> {
  if (hasControlCharacters(name)) return "The file name contains control characters";
  if (object.size > deps.maxFileBytes) return `The file exceeds ${deps.maxFileBytes} bytes (MAX_UPLOAD_SIZE)`;
  const body = await deps.bucket.get(object.key);
  if (!body) return null; // Gone since the listing (another scan took it).
  try {
    const text = await parseUpload(name, new Uint8Array(await body.arrayBuffer()), deps.limits);
    if (text.trim() === "") return `${name} contains no text`;
    const { accepted, duplicates } = await registerDocuments(
      deps.stores,
      workspace,
      [{ text, source: name }],
      "scan",
      report.trackId,
    );
    await deps.enqueue(
      workspace,
      accepted.map((doc) => doc.id),
    );
    report.registered += accepted.length;
    report.duplicates += duplicates.length;
    return null;
  } catch (error) {
    // Unreadable, too large, or a document of that name exists: the file's problem, not the scan's.
    if (error instanceof RagError) return error.message;
    throw error;
  }
}

/** R2 has no rename: stream the object to its new key (with the reason), then delete the old one. */
async function moveAside(bucket: R2Bucket, from: string, to: string, error: string): Promise<void> {
  const object = await bucket.get(from);
  if (!object) return;
  const copy = new FixedLengthStream(object.size);
  await Promise.all([
    object.body.pipeTo(copy.writable),
    bucket.put(to, copy.readable, {
      httpMetadata: object.httpMetadata,
      customMetadata: { ...object.customMetadata, error: error.slice(0, 500) },
    }),
  ]);
  await bucket.delete(from);
}

/** Failed documents, and pending or processing ones untouched for the stall timeout, go back in the queue. */
async function requeueStuck(deps: ScanDeps, workspace: string): Promise<number> {
  const { documents } = deps.stores;
  const before = (deps.now ?? Date.now()) - deps.stallTimeoutSeconds * 1000;
  const failed = await documents.list(workspace, {
    statuses: ["failed"],
    page: 1,
    pageSize: MAX_REQUEUED,
    sortField: "created_at",
    sortDirection: "asc",
  });
  const stalled = [
    ...(await documents.idsByStatus(workspace, "processing", before, MAX_REQUEUED)),
    ...(await documents.idsByStatus(workspace, "pending", before, MAX_REQUEUED)),
  ];
  const ids = [...failed.documents.map((doc) => doc.id), ...stalled.map((ref) => ref.id)];
  if (ids.length === 0) return 0;
  await documents.setStatus(workspace, ids, { status: "pending", errorMsg: null });
  await deps.enqueue(workspace, ids);
  return ids.length;
}
