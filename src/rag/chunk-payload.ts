/**
 * What the chunk vector index keeps beside each chunk's vector (as LightRAG's chunks vector
 * store keeps content and file path), so retrieval reads chunk texts from the index it already
 * asked instead of a second store. The chunk table stays the source of truth: a chunk whose
 * payload is missing or unreadable is read from there.
 *
 * The text is a one-line JSON header (document, order, tokens, file path), a newline, then the
 * content as a JSON string literal. Reading it parses only the header: the context's chunk
 * lines embed the literal as it is, and the text itself is decoded only when something asks for
 * it (`/query/data`, a reranker). A payload holding one JSON object with the content inside
 * (written before) is still read.
 */
import { parseJson } from "../json";
import { lazy } from "../lazy";
import type { ChunkRecord } from "../storage/chunks";

/** The header's fields, as written by `encodeChunkPayload`. */
interface ChunkHeader {
  doc_id: string;
  order: number;
  tokens: number;
  file_path: string;
}

/** A chunk read from a payload: its content also as the JSON string literal the payload holds. */
export interface PayloadChunk extends ChunkRecord {
  /** `JSON.stringify(content)`, as stored: chunk lines embed it without encoding the text again. */
  contentJson?: string;
}

/** The earlier, single-object form: the header's fields and the content. */
interface JsonChunkPayload extends ChunkHeader {
  content: string;
}

/**
 * Whether `value` has every header field with its type. Checked by hand, not by a zod schema:
 * this runs for every chunk of every query, and the schema's parse was most of its cost.
 */
function isChunkHeader(value: unknown): value is ChunkHeader {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.doc_id === "string" &&
    Number.isInteger(v.order) &&
    Number.isInteger(v.tokens) &&
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
  const header = JSON.stringify({
    doc_id: chunk.docId,
    order: chunk.order,
    tokens: chunk.tokens,
    file_path: chunk.filePath,
  } satisfies ChunkHeader);
  // JSON.stringify escapes every newline, so the first one ends the header.
  return `${header}\n${JSON.stringify(chunk.content)}`;
}

/**
 * Whether `text` ends a JSON string literal that starts at `from`: quotes at both ends, the last
 * one not escaped. The inside is not checked (that would cost what parsing it costs): payloads are
 * written by `encodeChunkPayload`, and `content` below copes with one that is not.
 */
function endsLiteral(text: string, from: number): boolean {
  if (text.length - from < 2 || text.charCodeAt(from) !== 34 || text.charCodeAt(text.length - 1) !== 34)
    return false;
  let backslashes = 0;
  for (let i = text.length - 2; i > from && text.charCodeAt(i) === 92; i--) backslashes++;
  return backslashes % 2 === 0;
}

/**
 * The chunk `id` from its payload text; `null` when the text is not a chunk payload.
 *
 * @example
 * decodeChunkPayload("doc-1-chunk-000", payload)?.content;
 */
export function decodeChunkPayload(id: string, text: string): PayloadChunk | null {
  const newline = text.indexOf("\n");
  if (newline < 0) return decodeJsonPayload(id, text);
  if (!endsLiteral(text, newline + 1)) return null;
  const header = parseJson<unknown>(text.slice(0, newline), undefined);
  if (!isChunkHeader(header)) return null;
  const contentJson = text.slice(newline + 1);
  // A literal broken inside (a hand-edited backup) reads as its raw text: never a failed request.
  const content = lazy(
    () => parseJson<string | undefined>(contentJson, undefined) ?? contentJson.slice(1, -1),
  );
  return {
    id,
    docId: header.doc_id,
    order: header.order,
    tokens: header.tokens,
    filePath: header.file_path,
    contentJson,
    get content(): string {
      return content();
    },
  };
}

/** A payload written as one JSON object (before the header form). */
function decodeJsonPayload(id: string, text: string): ChunkRecord | null {
  const value = parseJson<unknown>(text, undefined);
  if (!isChunkHeader(value) || typeof (value as Partial<JsonChunkPayload>).content !== "string") return null;
  const { doc_id, order, tokens, content, file_path } = value as JsonChunkPayload;
  return { id, docId: doc_id, order, tokens, content, filePath: file_path };
}
