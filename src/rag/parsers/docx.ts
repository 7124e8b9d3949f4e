/**
 * DOCX text: the archive is unzipped with fflate and `word/document.xml` read paragraph by
 * paragraph (`<w:p>`), keeping text runs (`<w:t>`), tabs and breaks.
 */
import { strFromU8, unzipSync } from "fflate";

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, code: string) => {
    if (code[0] === "#") {
      return String.fromCodePoint(
        code[1] === "x" || code[1] === "X" ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1)),
      );
    }
    return XML_ENTITIES[code.toLowerCase()] ?? "";
  });
}

export async function docxToText(bytes: Uint8Array): Promise<string> {
  const files = unzipSync(bytes, { filter: (file) => file.name === "word/document.xml" });
  const xml = files["word/document.xml"];
  if (!xml) throw new Error("not a Word document (word/document.xml is missing)");
  const body = strFromU8(xml);
  const paragraphs: string[] = [];
  for (const paragraph of body.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []) {
    let text = "";
    for (const piece of paragraph.matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:br\/>/g)) {
      if (piece[1] !== undefined) text += decodeXml(piece[1]);
      else text += piece[0] === "<w:tab/>" ? "\t" : "\n";
    }
    paragraphs.push(text);
  }
  return paragraphs.join("\n").trim();
}
