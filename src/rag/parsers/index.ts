/**
 * Turns an uploaded file into text by its extension. Text formats are decoded as UTF-8
 * (HTML loses its markup); PDF and DOCX parsers are loaded only when such a file arrives.
 * Every format is read under the extraction limits (`limits.ts`): over one, a `too_large`
 * RagError and no text.
 */
import { RagError } from "../types";
import { htmlToText } from "./html";
import { type ExtractionLimits, overLimit, utf8Length } from "./limits";

export const TEXT_EXTENSIONS = [".txt", ".md", ".html", ".htm", ".json", ".csv"] as const;
export const BINARY_EXTENSIONS = [".pdf", ".docx"] as const;
export const SUPPORTED_EXTENSIONS: readonly string[] = [...TEXT_EXTENSIONS, ...BINARY_EXTENSIONS];

/** The lower-case extension of `name` with its dot, or "". */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot).toLowerCase();
}

/**
 * Extracts the text of an uploaded file.
 *
 * @example
 * const text = await parseUpload("notes.md", new Uint8Array(await file.arrayBuffer()), extractionLimits());
 */
export async function parseUpload(
  name: string,
  bytes: Uint8Array,
  limits: ExtractionLimits,
): Promise<string> {
  const extension = extensionOf(name);
  if (!SUPPORTED_EXTENSIONS.includes(extension)) {
    throw new RagError(
      "bad_input",
      `Unsupported file type ${extension || "(none)"}; supported: ${SUPPORTED_EXTENSIONS.join(" ")}`,
      {
        supported_extensions: SUPPORTED_EXTENSIONS,
      },
    );
  }
  try {
    if (extension === ".pdf") return await (await import("./pdf")).pdfToText(bytes, limits);
    if (extension === ".docx") return await (await import("./docx")).docxToText(bytes, limits);
    const markup = extension === ".html" || extension === ".htm";
    // Plain text is its own size; HTML may be as large as an archive may expand, then loses its tags.
    if (bytes.length > (markup ? limits.maxInflatedBytes : limits.maxTextBytes)) throw textTooLarge(limits);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    if (markup) {
      const plain = htmlToText(text);
      if (utf8Length(plain) > limits.maxTextBytes) throw textTooLarge(limits);
      return plain;
    }
    if (extension === ".json") JSON.parse(text);
    return text;
  } catch (error) {
    if (error instanceof RagError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RagError("bad_input", `Could not read ${name} as ${extension}: ${reason.slice(0, 200)}`);
  }
}

function textTooLarge(limits: ExtractionLimits): RagError {
  return overLimit(
    "extracted_text_bytes",
    limits.maxTextBytes,
    `The file's text exceeds ${limits.maxTextBytes} bytes (MAX_EXTRACTED_TEXT_BYTES)`,
  );
}
