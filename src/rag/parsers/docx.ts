/**
 * DOCX text: `word/document.xml` is streamed out of the archive with fflate's `Unzip` under an
 * inflate budget (total bytes and ratio) and turned into text as it arrives, under the text
 * limit. Nothing else in the archive is decompressed, and reading stops at the first bound
 * crossed or as soon as the document part is complete.
 */
import { Unzip } from "fflate";
import { DocxTextCollector } from "./docx-text";
import { boundedUnzipInflate, InflateBudget } from "./inflate-budget";
import type { ExtractionLimits } from "./limits";

const DOCUMENT_PART = "word/document.xml";

/** Compressed bytes handed to the unzipper per step (the decoder slices further). */
const FEED_BYTES = 64 * 1024;

/**
 * The text of a Word document, paragraph per line.
 *
 * @example
 * const text = await docxToText(bytes, extractionLimits(config.MAX_EXTRACTED_TEXT_BYTES));
 */
export async function docxToText(bytes: Uint8Array, limits: ExtractionLimits): Promise<string> {
  const budget = new InflateBudget(limits);
  const text = new DocxTextCollector(limits.maxTextBytes);
  const decoder = new TextDecoder("utf-8");
  let found = false;
  let complete = false;
  const unzip = new Unzip((file) => {
    if (file.name !== DOCUMENT_PART || found) return; // never started: never decompressed
    found = true;
    file.ondata = (error, chunk, final) => {
      if (error) throw error;
      // Stored (uncompressed) parts count toward the total too.
      if (file.compression === 0) budget.produced(chunk.length);
      text.push(decoder.decode(chunk, { stream: !final }));
      if (final) complete = true;
    };
    file.start();
  });
  unzip.register(boundedUnzipInflate(budget));
  for (let offset = 0; offset < bytes.length && !complete; offset += FEED_BYTES) {
    unzip.push(bytes.subarray(offset, offset + FEED_BYTES), offset + FEED_BYTES >= bytes.length);
  }
  if (!found) throw new Error(`not a Word document (${DOCUMENT_PART} is missing)`);
  if (!complete) throw new Error(`${DOCUMENT_PART} is truncated`);
  return text.finish();
}
