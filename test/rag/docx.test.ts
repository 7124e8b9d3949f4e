/** docxToText over the archive layouts Word and other writers produce, and broken archives. */
import { strToU8, Zip, ZipDeflate, ZipPassThrough, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { docxToText } from "../../src/rag/parsers/docx";
import { extractionLimits } from "../../src/rag/parsers/limits";
import { concatBytes } from "../fixtures/files";

const XML = strToU8(
  '<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p><w:p><w:r><w:t>World</w:t></w:r></w:p></w:body></w:document>',
);
const OTHER = strToU8("<Types/>");
const limits = extractionLimits(1024 * 1024);

/** A streamed archive: sizes in data descriptors after the data, not in the local headers. */
function streamed(stored: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    parts.push(chunk);
  });
  for (const [name, data] of [
    ["[Content_Types].xml", OTHER],
    ["word/document.xml", XML],
  ] as const) {
    const file = stored ? new ZipPassThrough(name) : new ZipDeflate(name);
    zip.add(file);
    file.push(data, true);
  }
  zip.end();
  return concatBytes(parts);
}

describe("docxToText", () => {
  it("reads deflated, stored and streamed (data descriptor) archives alike", async () => {
    const layouts = {
      deflated: zipSync({ "[Content_Types].xml": OTHER, "word/document.xml": XML }),
      stored: zipSync({ "[Content_Types].xml": OTHER, "word/document.xml": XML }, { level: 0 }),
      streamedDeflate: streamed(false),
      streamedStored: streamed(true),
    };
    for (const [layout, bytes] of Object.entries(layouts)) {
      expect(await docxToText(bytes, limits), layout).toBe("Hello\nWorld");
    }
  });

  it("fails plainly without word/document.xml or with a truncated archive", async () => {
    await expect(docxToText(zipSync({ "a.xml": OTHER }), limits)).rejects.toThrow(/not a Word document/);
    await expect(docxToText(new Uint8Array(0), limits)).rejects.toThrow(/not a Word document/);
    const whole = zipSync({ "word/document.xml": XML });
    await expect(docxToText(whole.subarray(0, 60), limits)).rejects.toThrow();
  });
});
