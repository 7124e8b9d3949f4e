/** PDF text through unpdf (a serverless build of PDF.js that runs in workerd). */
import { extractText, getDocumentProxy } from "unpdf";

export async function pdfToText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: false });
  return (Array.isArray(text) ? text : [text]).join("\n\n");
}
