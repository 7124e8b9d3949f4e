/**
 * What the chunk vector index keeps beside each chunk's vector (as LightRAG's chunks vector
 * store keeps content and file path), so retrieval reads chunk texts from the index it already
 * asked instead of a second store. The chunk table stays the source of truth: a chunk whose
 * payload is missing or unreadable is read from there.
 */
import { z } from "zod";
import type { ChunkRecord } from "../storage/chunks";

const payloadSchema = z.object({
  doc_id: z.string(),
  order: z.number().int(),
  tokens: z.number().int(),
  content: z.string(),
  file_path: z.string(),
});

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
  } satisfies z.infer<typeof payloadSchema>);
}

/** The chunk `id` from its payload text; `null` when the text is not a chunk payload. */
export function decodeChunkPayload(id: string, text: string): ChunkRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(value);
  if (!parsed.success) return null;
  const { doc_id, order, tokens, content, file_path } = parsed.data;
  return { id, docId: doc_id, order, tokens, content, filePath: file_path };
}
