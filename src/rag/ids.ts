/** LightRAG's identifiers: document, chunk and track ids, content hashes. */
import { md5Hex } from "../storage/vector-ids";

/** The name LightRAG keeps for a source: its basename. */
export function canonicalFilePath(source: string): string {
  const trimmed = source.trim();
  const base = trimmed.split(/[/\\]/).pop() ?? trimmed;
  return base.trim();
}

/**
 * True when `text` holds a C0 control character (NUL, newline, ESC, …), DEL or a C1 control.
 * Such characters in a file name break logs, terminals and exports (a NUL ends a C string),
 * so document sources carrying them are refused rather than silently altered.
 *
 * @example
 * hasControlCharacters("report.pdf"); // false
 * hasControlCharacters("a\u0000.txt"); // true
 */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** Placeholder LightRAG uses when a text arrives without a source. */
export const UNKNOWN_SOURCE = "unknown_source";

/**
 * `doc-` + md5 of the canonical name when the source is known, else of the content.
 *
 * @example
 * documentId("notes.txt", "…"); // "doc-" + md5("notes.txt")
 */
export function documentId(filePath: string, content: string): string {
  return filePath === UNKNOWN_SOURCE ? `doc-${md5Hex(content)}` : `doc-${md5Hex(filePath)}`;
}

/** `{docId}-chunk-{order:03d}`. */
export function chunkId(docId: string, order: number): string {
  return `${docId}-chunk-${String(order).padStart(3, "0")}`;
}

/** Hash used for deduplication: md5 of the stripped text. */
export function contentHash(content: string): string {
  return md5Hex(content.trim());
}

/** `{prefix}_{YYYYmmdd_HHMMSS}_{8 hex}`. */
export function trackId(
  prefix: "insert" | "upload" | "reprocess" | "enqueue" | "scan",
  now = new Date(),
): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}_${iso.slice(11, 19).replaceAll(":", "")}`;
  return `${prefix}_${stamp}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
}
