/**
 * Uploads that expand beyond the extraction limits: a zip-bomb .docx, a .docx or PDF with too
 * much text, a PDF with too many pages. Each is refused with 413 and the error envelope naming
 * the limit, through the real app, and leaves no document row, no text, no chunk and no queue
 * message behind.
 */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { strToU8, Zip, ZipDeflate, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";
import { concatBytes, pdfOf } from "../fixtures/files";

const MiB = 1024 * 1024;
const XML_HEAD =
  '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const XML_TAIL = "</w:body></w:document>";
const CONTENT_TYPES = strToU8(
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
);

function docx(xmlBody: string): Uint8Array {
  return zipSync({
    "[Content_Types].xml": CONTENT_TYPES,
    "word/document.xml": strToU8(`${XML_HEAD}${xmlBody}${XML_TAIL}`),
  });
}

/**
 * The incident's file: one text run of `megabytes` MiB of the same character, deflated
 * (about 1000:1) a megabyte at a time so the test never holds the whole document.
 */
function bombDocx(megabytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    parts.push(chunk);
  });
  const types = new ZipDeflate("[Content_Types].xml");
  zip.add(types);
  types.push(CONTENT_TYPES, true);
  const document = new ZipDeflate("word/document.xml", { level: 6 });
  zip.add(document);
  document.push(strToU8(`${XML_HEAD}<w:p><w:r><w:t>`));
  const megabyte = new Uint8Array(MiB).fill(0x61);
  for (let i = 0; i < megabytes; i++) document.push(megabyte);
  document.push(strToU8(`</w:t></w:r></w:p>${XML_TAIL}`), true);
  zip.end();
  return concatBytes(parts);
}

/** A PDF of `pages` pages, each saying `text` (one shared content stream, correct xref). */
function pdf(pages: number, text: string): Uint8Array {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const kids = Array.from({ length: pages }, (_, i) => `${i + 4} 0 R`).join(" ");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    ...Array.from(
      { length: pages },
      () =>
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 ${pages + 4} 0 R >> >> >>`,
    ),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  return pdfOf(objects);
}

interface Envelope {
  error: { code: string; message: string; request_id: string; details?: { limit: string; max: number } };
}

/**
 * POSTs `content` as `name` to /documents/upload of the real app with `vars` over the test env
 * and a queue that records what it is sent.
 */
async function upload(
  workspace: string,
  name: string,
  content: string | Uint8Array,
  vars: Record<string, string> = {},
): Promise<{ status: number; body: Envelope; queued: unknown[] }> {
  const queued: unknown[] = [];
  const queue = {
    send: async (message: unknown) => void queued.push(message),
    sendBatch: async (messages: Iterable<unknown>) => void queued.push(...messages),
  };
  const testEnv = { ...env, ...vars, INGEST_QUEUE: queue } as unknown as Env;
  const form = new FormData();
  form.append("file", new File([content], name));
  const request = new Request("http://x/documents/upload", {
    method: "POST",
    body: form,
    headers: { "LIGHTRAG-WORKSPACE": workspace },
  });
  const ctx = createExecutionContext();
  const response = await createApp().fetch(request, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as Envelope, queued };
}

/** Rows the workspace holds in every table an accepted upload writes to. */
async function stored(workspace: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ["documents", "document_contents", "chunks"]) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE workspace = ?1`)
      .bind(workspace)
      .first<{ n: number }>();
    counts[table] = row?.n ?? -1;
  }
  return counts;
}

const NOTHING = { documents: 0, document_contents: 0, chunks: 0 };

function expectRefused(
  result: { status: number; body: Envelope; queued: unknown[] },
  limit: string,
  max?: number,
): void {
  expect(result.status, JSON.stringify(result.body)).toBe(413);
  expect(result.body.error.code).toBe("payload_too_large");
  expect(result.body.error.request_id).toEqual(expect.any(String));
  expect(result.body.error.details?.limit).toBe(limit);
  if (max !== undefined) expect(result.body.error.details?.max).toBe(max);
  expect(result.queued).toEqual([]);
}

describe("upload extraction limits", { timeout: 120_000 }, () => {
  it("refuses a zip-bomb .docx (48 MiB of one letter in about 50 KB) at the compression ratio", async () => {
    const ws = "lim_bomb";
    const bomb = bombDocx(48);
    expect(bomb.length).toBeLessThan(200 * 1024);
    expectRefused(await upload(ws, "bomb.docx", bomb), "compression_ratio", 100);
    expect(await stored(ws)).toEqual(NOTHING);
    // The deployed Worker (its own env and queue) refuses it the same way.
    const form = new FormData();
    form.append("file", new File([bomb], "bomb.docx"));
    const res = await SELF.fetch("http://x/documents/upload", {
      method: "POST",
      body: form,
      headers: { "LIGHTRAG-WORKSPACE": ws },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Envelope).error.details?.limit).toBe("compression_ratio");
    expect(await stored(ws)).toEqual(NOTHING);
  });

  it("refuses a .docx whose text is over MAX_EXTRACTED_TEXT_BYTES", async () => {
    const ws = "lim_docx_text";
    const paragraphs = Array.from(
      { length: 10 },
      (_, i) => `<w:p><w:r><w:t>${`word${i} `.repeat(100)}</w:t></w:r></w:p>`,
    );
    const vars = { MAX_EXTRACTED_TEXT_BYTES: "4096" };
    expectRefused(
      await upload(ws, "long.docx", docx(paragraphs.join("")), vars),
      "extracted_text_bytes",
      4096,
    );
    expect(await stored(ws)).toEqual(NOTHING);
    // The same limit lets a shorter document through.
    const ok = await upload(ws, "short.docx", docx(paragraphs.slice(0, 2).join("")), vars);
    expect(ok.status).toBe(200);
    expect(ok.queued).toHaveLength(1);
  });

  it("refuses a .docx whose XML inflates past its allowance even at a harmless ratio", async () => {
    const ws = "lim_docx_inflate";
    // Markup without text: 8 × 64 KiB = 512 KiB of XML is allowed, this is about 1 MiB.
    const markup = Array.from({ length: 16_000 }, (_, i) => `<w:p><w:pPr><w:rPr w:id="${i}"/></w:pPr></w:p>`);
    const vars = { MAX_EXTRACTED_TEXT_BYTES: String(64 * 1024) };
    expectRefused(await upload(ws, "markup.docx", docx(markup.join("")), vars), "inflated_bytes", 512 * 1024);
    expect(await stored(ws)).toEqual(NOTHING);
  });

  it("applies the text limit to text and HTML uploads, and never above MAX_TEXT_BODY_BYTES", async () => {
    const ws = "lim_text";
    expectRefused(
      await upload(ws, "big.txt", "x".repeat(5000), { MAX_EXTRACTED_TEXT_BYTES: "4096" }),
      "extracted_text_bytes",
    );
    expectRefused(
      await upload(ws, "big.md", "x".repeat(5000), {
        MAX_EXTRACTED_TEXT_BYTES: "1000000",
        MAX_TEXT_BODY_BYTES: "4096",
      }),
      "extracted_text_bytes",
      4096,
    );
    expectRefused(
      await upload(ws, "big.html", `<p>${"y".repeat(5000)}</p>`, { MAX_EXTRACTED_TEXT_BYTES: "4096" }),
      "extracted_text_bytes",
    );
    expect(await stored(ws)).toEqual(NOTHING);
  });

  it("refuses a PDF with more pages than allowed before reading any page", async () => {
    const ws = "lim_pdf_pages";
    expectRefused(await upload(ws, "many.pdf", pdf(2001, "page")), "pdf_pages", 2000);
    expect(await stored(ws)).toEqual(NOTHING);
  });

  it("refuses a PDF whose text is over MAX_EXTRACTED_TEXT_BYTES", async () => {
    const ws = "lim_pdf_text";
    const vars = { MAX_EXTRACTED_TEXT_BYTES: "4096" };
    expectRefused(
      await upload(ws, "wordy.pdf", pdf(100, "z".repeat(60)), vars),
      "extracted_text_bytes",
      4096,
    );
    expect(await stored(ws)).toEqual(NOTHING);
    const ok = await upload(ws, "brief.pdf", pdf(3, "A short PDF about Emmy Noether"), vars);
    expect(ok.status).toBe(200);
  });
});
