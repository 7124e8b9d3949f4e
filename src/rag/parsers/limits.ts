/**
 * Bounds on what an uploaded file may expand to while it is turned into text. A small upload
 * can hold a huge document (a 244 KB .docx once inflated to 54 million characters), so the
 * parsers stop as soon as any bound is crossed, before the text is ever stored.
 */
import { RagError } from "../types";

const MiB = 1024 * 1024;

export interface ExtractionLimits {
  /** UTF-8 bytes of text one upload may yield. */
  maxTextBytes: number;
  /** Bytes an archive (or a markup file) may expand to in total while it is read. */
  maxInflatedBytes: number;
  /** Largest inflated/compressed ratio of a compressed part, checked once past `ratioGraceBytes`. */
  maxCompressionRatio: number;
  /** Output below which the ratio is not checked: small, very repetitive parts are normal. */
  ratioGraceBytes: number;
  /** Pages of a PDF. */
  maxPages: number;
}

/** Default text limit of an upload (MAX_EXTRACTED_TEXT_BYTES): about 2.5 million tokens. */
export const DEFAULT_MAX_EXTRACTED_TEXT_BYTES = 10 * MiB;

/**
 * Markup bytes allowed per byte of text limit: WordprocessingML wraps every run of text in
 * elements, typically 3-5 bytes of XML per byte of text, rarely more than 8.
 */
export const INFLATED_BYTES_PER_TEXT_BYTE = 8;

/**
 * Deflate cannot exceed about 1032:1; ordinary Word XML compresses 5-20:1. 100:1 is the limit
 * Apache POI's ZipSecureFile applies (MIN_INFLATE_RATIO = 0.01) for the same reason.
 */
export const MAX_COMPRESSION_RATIO = 100;

/** Output before the ratio is checked (POI uses 100 KB; a little more for our larger parts). */
export const RATIO_GRACE_BYTES = 1 * MiB;

/** Pages of a PDF; about 5 KB of text per page at the default text limit. */
export const MAX_PDF_PAGES = 2000;

/**
 * The limits for a text budget of `maxTextBytes`, with the other bounds derived from it.
 *
 * @example
 * const limits = extractionLimits(config.MAX_EXTRACTED_TEXT_BYTES);
 * await parseUpload("report.docx", bytes, limits);
 */
export function extractionLimits(
  maxTextBytes = DEFAULT_MAX_EXTRACTED_TEXT_BYTES,
  overrides: Partial<ExtractionLimits> = {},
): ExtractionLimits {
  return {
    maxTextBytes,
    maxInflatedBytes: maxTextBytes * INFLATED_BYTES_PER_TEXT_BYTE,
    maxCompressionRatio: MAX_COMPRESSION_RATIO,
    ratioGraceBytes: RATIO_GRACE_BYTES,
    maxPages: MAX_PDF_PAGES,
    ...overrides,
  };
}

/** Which bound an upload crossed; clients find it in `error.details.limit`. */
export type LimitName = "extracted_text_bytes" | "inflated_bytes" | "compression_ratio" | "pdf_pages";

/**
 * The domain error for an input over a limit (HTTP: 413 with `details: {limit, max}`).
 *
 * @example
 * throw overLimit("pdf_pages", 2000, "The PDF has 5000 pages; at most 2000 are read");
 */
export function overLimit(limit: LimitName, max: number, message: string): RagError {
  return new RagError("too_large", message, { limit, max });
}

/**
 * UTF-8 length of `text` without encoding it.
 *
 * @example
 * utf8Length("東京"); // 6
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one 4-byte code point.
      bytes += 4;
      i++;
    } else bytes += 3; // lone surrogates become U+FFFD, also 3 bytes
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
