/**
 * PDF text through unpdf (a serverless build of PDF.js that runs in workerd), page by page
 * under the limits: the page count is checked before any page is read, and reading stops at
 * the page whose text crosses the text limit.
 */
import { getDocumentProxy } from "unpdf";
import { type ExtractionLimits, overLimit, utf8Length } from "./limits";

/** Separator between pages, as unpdf's `extractText` with `mergePages: false` joined by callers. */
const PAGE_BREAK = "\n\n";

/**
 * The text of a PDF, pages separated by a blank line.
 *
 * @example
 * const text = await pdfToText(bytes, extractionLimits(config.MAX_EXTRACTED_TEXT_BYTES));
 */
export async function pdfToText(bytes: Uint8Array, limits: ExtractionLimits): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    if (pdf.numPages > limits.maxPages) {
      throw overLimit(
        "pdf_pages",
        limits.maxPages,
        `The PDF has ${pdf.numPages} pages; at most ${limits.maxPages} are accepted`,
      );
    }
    const pages: string[] = [];
    let total = 0;
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      page.cleanup();
      let text = "";
      for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
      total += utf8Length(text) + (number > 1 ? PAGE_BREAK.length : 0);
      if (total > limits.maxTextBytes) {
        throw overLimit(
          "extracted_text_bytes",
          limits.maxTextBytes,
          `The PDF's text exceeds ${limits.maxTextBytes} bytes by page ${number} (MAX_EXTRACTED_TEXT_BYTES)`,
        );
      }
      pages.push(text);
    }
    return pages.join(PAGE_BREAK);
  } finally {
    await pdf.loadingTask.destroy();
  }
}
