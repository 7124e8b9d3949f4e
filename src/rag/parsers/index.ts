/**
 * Turns an uploaded file into text by its extension. Text formats are decoded as UTF-8
 * (HTML loses its markup); PDF and DOCX parsers are loaded only when such a file arrives.
 */
import { RagError } from "../types";
import { htmlToText } from "./html";

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
 * const text = await parseUpload("notes.md", new Uint8Array(await file.arrayBuffer()));
 */
export async function parseUpload(name: string, bytes: Uint8Array): Promise<string> {
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
    if (extension === ".pdf") return await (await import("./pdf")).pdfToText(bytes);
    if (extension === ".docx") return await (await import("./docx")).docxToText(bytes);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    if (extension === ".html" || extension === ".htm") return htmlToText(text);
    if (extension === ".json") JSON.parse(text);
    return text;
  } catch (error) {
    if (error instanceof RagError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RagError("bad_input", `Could not read ${name} as ${extension}: ${reason.slice(0, 200)}`);
  }
}
