/** Streaming WordprocessingML text: the same text however the XML is cut, and the text limit. */
import { describe, expect, it } from "vitest";
import { DocxTextCollector } from "../../src/rag/parsers/docx-text";
import { RagError } from "../../src/rag/types";

const XML = [
  '<?xml version="1.0"?><w:document xmlns:w="x"><w:body>',
  '<w:p w:rsidR="1"><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Ada &amp; Charles</w:t></w:r></w:p>',
  '<w:p><w:r><w:t xml:space="preserve">tab</w:t><w:tab/><w:t>after</w:t><w:br/><w:t>line &#x6771;&#20140;</w:t></w:r></w:p>',
  "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
  "<w:p><w:r><w:t>outer </w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:txbxContent></w:pict></w:r><w:r><w:t> rest</w:t></w:r></w:p>",
  "<w:p/><w:p><w:r><w:t></w:t></w:r></w:p><w:p><w:r><w:t>end &lt;here&gt;</w:t></w:r></w:p>",
  "</w:body></w:document>",
].join("");

const EXPECTED = "Ada & Charles\ntab\tafter\nline 東京\ncell\nouter inner rest\n\nend <here>";

function collect(pieces: string[], maxTextBytes = 1024 * 1024): string {
  const collector = new DocxTextCollector(maxTextBytes);
  for (const piece of pieces) collector.push(piece);
  return collector.finish();
}

describe("DocxTextCollector", () => {
  it("reads paragraphs, runs, tabs, breaks, entities, tables and text boxes", () => {
    expect(collect([XML])).toBe(EXPECTED);
  });

  it("gives the same text for every way of cutting the XML into pieces", () => {
    for (let size = 1; size <= 64; size++) {
      const pieces: string[] = [];
      for (let offset = 0; offset < XML.length; offset += size) pieces.push(XML.slice(offset, offset + size));
      expect(collect(pieces), `pieces of ${size}`).toBe(EXPECTED);
    }
  });

  it("refuses text over the limit while it streams, naming the limit", () => {
    const collector = new DocxTextCollector(1000);
    collector.push("<w:p><w:r><w:t>");
    let refused: unknown;
    let pushed = 0;
    try {
      for (; pushed < 1000; pushed++) collector.push("x".repeat(100));
    } catch (error) {
      refused = error;
    }
    // One open run of text: refused once what waits exceeds the limit (plus one tag's slack).
    expect(refused).toBeInstanceOf(RagError);
    expect((refused as RagError).details).toEqual({ limit: "extracted_text_bytes", max: 1000 });
    expect(pushed).toBeLessThan(1000);
    const many = new DocxTextCollector(1000);
    expect(() => {
      for (let i = 0; i < 100; i++) many.push(`<w:p><w:r><w:t>${"é".repeat(10)}</w:t></w:r></w:p>`);
    }).toThrow(/exceeds 1000 bytes/);
  });

  it("counts UTF-8 bytes, not characters", () => {
    // 400 CJK characters are 1200 bytes.
    expect(() => collect([`<w:p><w:r><w:t>${"東".repeat(400)}</w:t></w:r></w:p>`], 1000)).toThrow(RagError);
    expect(collect([`<w:p><w:r><w:t>${"東".repeat(300)}</w:t></w:r></w:p>`], 1000)).toHaveLength(300);
  });
});
