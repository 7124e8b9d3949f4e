/**
 * Accepting documents: validation, LightRAG ids, same-name conflicts and content dedup.
 * Nothing is stored unless the whole request is acceptable.
 */
import type { DocumentRecord } from "../storage/documents";
import type { Stores } from "../storage/index";
import {
  canonicalFilePath,
  contentHash,
  documentId,
  hasControlCharacters,
  trackId,
  UNKNOWN_SOURCE,
} from "./ids";
import { RagError } from "./types";

export interface IncomingDocument {
  text: string;
  /** As sent by the client; canonicalised to its basename. */
  source?: string | null;
  metadata?: Record<string, unknown>;
}

export interface Registration {
  trackId: string;
  accepted: DocumentRecord[];
  /** Existing documents with the same content as a submitted text. */
  duplicates: DocumentRecord[];
}

/** Characters of `content_summary`, as LightRAG. */
const SUMMARY_CHARS = 100;

/**
 * Validates and stores `items` as pending documents; the caller enqueues `accepted`.
 *
 * @example
 * const { trackId, accepted } = await registerDocuments(stores, "default", [{ text, source: "a.txt" }], "insert");
 */
export async function registerDocuments(
  stores: Stores,
  workspace: string,
  items: IncomingDocument[],
  prefix: "insert" | "upload" | "scan",
  /** A track id the caller already handed out (one scan registers its files one by one). */
  track = trackId(prefix),
): Promise<Registration> {
  const prepared = items.map((item, index) => {
    const text = item.text.trim();
    if (text === "") throw new RagError("bad_input", `Document ${index + 1} is empty`);
    if (item.source && hasControlCharacters(item.source))
      throw new RagError("bad_input", `Document ${index + 1} has control characters in its file source`);
    const path = item.source?.trim() ? canonicalFilePath(item.source) : UNKNOWN_SOURCE;
    if (path === "") throw new RagError("bad_input", `Document ${index + 1} has an invalid file source`);
    return { text, path, hash: contentHash(text), metadata: item.metadata ?? {} };
  });
  const named = prepared.filter((item) => item.path !== UNKNOWN_SOURCE).map((item) => item.path);
  const repeated = named.find((path, index) => named.indexOf(path) !== index);
  if (repeated) throw new RagError("bad_input", `file_sources must be unique; ${repeated} appears twice`);
  const [sameName, sameContent] = await Promise.all([
    stores.documents.findByFilePaths(workspace, named),
    stores.documents.findByContentHashes(
      workspace,
      prepared.map((item) => item.hash),
    ),
  ]);
  if (sameName.length > 0) {
    const names = sameName.map((doc) => doc.filePath).join(", ");
    throw new RagError("conflict", `A document with the same name already exists: ${names}`, {
      file_paths: names,
    });
  }
  const knownHashes = new Map(sameContent.map((doc) => [doc.contentHash, doc]));
  const now = Date.now();
  const accepted: DocumentRecord[] = [];
  const duplicates: DocumentRecord[] = [];
  const docs = [];
  const seenHashes = new Set<string>();
  for (const item of prepared) {
    const existing = knownHashes.get(item.hash);
    if (existing) {
      if (!duplicates.includes(existing)) duplicates.push(existing);
      continue;
    }
    if (seenHashes.has(item.hash)) continue;
    seenHashes.add(item.hash);
    const record: DocumentRecord = {
      id: documentId(item.path, item.text),
      workspace,
      filePath: item.path,
      contentHash: item.hash,
      contentSummary: item.text.slice(0, SUMMARY_CHARS),
      contentLength: item.text.length,
      status: "pending",
      errorMsg: null,
      chunksCount: null,
      chunksList: [],
      trackId: track,
      metadata: item.metadata,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    accepted.push(record);
    docs.push({ record, content: item.text });
  }
  await stores.documents.insert(workspace, docs);
  return { trackId: track, accepted, duplicates };
}
