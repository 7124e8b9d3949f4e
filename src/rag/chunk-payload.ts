/**
 * What the chunk vector index keeps beside each chunk's vector (as LightRAG's chunks vector
 * store keeps content and file path), so retrieval reads chunk texts from the index it already
 * asked instead of a second store. The chunk table stays the source of truth: a chunk whose
 * payload is missing or unreadable is read from there.
 */
import type { ChunkRecord } from "../storage/chunks";

/** The payload's fields, as written by `encodeChunkPayload`. */
interface ChunkPayload {
  doc_id: string;
  order: number;
  tokens: number;
  content: string;
  file_path: string;
}

/**
 * Whether `value` has every payload field with its type. Checked by hand, not by a zod schema:
 * this runs for every chunk of every query, and the schema's parse was most of its cost.
 */
function isChunkPayload(value: unknown): value is ChunkPayload {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.doc_id === "string" &&
    Number.isInteger(v.order) &&
    Number.isInteger(v.tokens) &&
    typeof v.content === "string" &&
    typeof v.file_path === "string"
  );
}

/**
 * The payload text of `chunk`.
 *
 * @example
 * await vectors.upsert(ws, "chunks", [{ id: chunk.id, vector, payload: encodeChunkPayload(chunk) }]);
 */
export function encodeChunkPayload(chunk: ChunkRecord): string {
  return JSON.stringify({
    doc_id: chunk.docId,
    order: chunk.order,
    tokens: chunk.tokens,
    content: chunk.content,
    file_path: chunk.filePath,
  } satisfies ChunkPayload);
}

/** The chunk `id` from its payload text; `null` when the text is not a chunk payload. */
export function decodeChunkPayload(id: string, text: string): ChunkRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isChunkPayload(value)) return null;
  const { doc_id, order, tokens, content, file_path } = value;
  return { id, docId: doc_id, order, tokens, content, filePath: file_path };
}
