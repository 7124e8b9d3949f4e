import { SELF } from "cloudflare:test";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { pdfOf } from "../fixtures/files";
import { orphans } from "../rag/engine-helpers";
import { api, json, settled, waitFor } from "./helpers";

function upload(
  workspace: string,
  name: string,
  content: string | Uint8Array,
  type = "application/octet-stream",
) {
  const form = new FormData();
  form.append("file", new File([content], name, { type }));
  return SELF.fetch("http://x/documents/upload", {
    method: "POST",
    body: form,
    headers: { "LIGHTRAG-WORKSPACE": workspace },
  });
}

/** A one-page PDF whose page says `text` (xref offsets computed, so strict readers accept it too). */
function pdf(text: string): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${`BT /F1 18 Tf 72 720 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 18 Tf 72 720 Td (${text}) Tj ET\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  return pdfOf(objects);
}

function docx(paragraphs: string[]): Uint8Array {
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${p}</w:t></w:r></w:p>`).join("");
  return zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    "word/document.xml": strToU8(
      `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
    ),
  });
}

describe("documents API: input", { timeout: 60_000 }, () => {
  it("accepts a text without file_source (older clients) and answers with a track id", async () => {
    const res = await api("api_ws1", "POST", "/documents/text", {
      text: "Grace Hopper wrote the first compiler.",
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      status: "success",
      message: expect.stringContaining("Processing will continue"),
    });
    await settled("api_ws1");
    const track = await json<{ documents: { file_path: string; status: string }[]; total_count: number }>(
      await api("api_ws1", "GET", `/documents/track_status/${body.track_id}`),
    );
    expect(track).toMatchObject({ total_count: 1, status_summary: { processed: 1 } });
    expect(track.documents[0]).toMatchObject({ file_path: "unknown_source", status: "processed" });
  });

  it("refuses bad input with clear 4xx and stores nothing", async () => {
    const ws = "api_ws2";
    expect((await api(ws, "POST", "/documents/text", { text: "   " })).status).toBe(422);
    expect((await api(ws, "POST", "/documents/text", { file_source: "a.txt" })).status).toBe(422);
    expect(
      (await api(ws, "POST", "/documents/texts", { texts: ["a", "b"], file_sources: ["a.txt"] })).status,
    ).toBe(422);
    expect(
      (await api(ws, "POST", "/documents/texts", { texts: ["a", "b"], file_sources: ["x.txt", "dir/x.txt"] }))
        .status,
    ).toBe(400);
    expect(
      (await api(ws, "POST", "/documents/text", { text: "x", chunking: { strategy: "magic" } })).status,
    ).toBe(422);
    const bad = await SELF.fetch("http://x/documents/text", {
      method: "POST",
      headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": ws },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { code: string } }>(bad)).error.code).toBe("invalid_json");
    const wrongType = await SELF.fetch("http://x/documents/text", {
      method: "POST",
      headers: { "Content-Type": "text/plain", "LIGHTRAG-WORKSPACE": ws },
      body: "hello",
    });
    expect(wrongType.status).toBe(415);
    const unsupported = await upload(ws, "tool.exe", "MZ");
    expect(unsupported.status).toBe(400);
    expect(JSON.stringify(await json(unsupported))).toContain(".docx");
    expect((await upload(ws, "broken.json", "{nope")).status).toBe(400);
    expect((await upload(ws, "empty.txt", "  \n ")).status).toBe(400);
    expect((await upload(ws, "bad.pdf", "not a pdf")).status).toBe(400);
    const missing = await SELF.fetch("http://x/documents/upload", {
      method: "POST",
      body: new FormData(),
      headers: { "LIGHTRAG-WORKSPACE": ws },
    });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    const counts = await json<{ status_counts: { all: number } }>(
      await api(ws, "GET", "/documents/status_counts"),
    );
    expect(counts.status_counts.all).toBe(0);
  });

  it("refuses control characters (NUL, newline, ESC, DEL, C1) in file names with 422 and stores nothing", async () => {
    const ws = "api_ws_ctrl";
    for (const name of ["a\u0000b.txt", "evil\n.txt", "x\u001b[31m.txt", "del\u007f.txt", "c1\u0085.txt"]) {
      const one = await api(ws, "POST", "/documents/text", {
        text: `Text for ${JSON.stringify(name)}`,
        file_source: name,
      });
      expect(one.status, JSON.stringify(name)).toBe(422);
      expect((await json<{ error: { code: string } }>(one)).error.code).toBe("validation_error");
      const many = await api(ws, "POST", "/documents/texts", {
        texts: ["fine", "also fine"],
        file_sources: ["ok.txt", name],
      });
      expect(many.status, JSON.stringify(name)).toBe(422);
      // FormData sends a newline in a file name as %0A (a legal name), so no upload carries one.
      if (name.includes("\n")) continue;
      const file = await upload(ws, name, "Some upload text.");
      // workerd's multipart parser itself refuses a raw NUL in the filename (400).
      expect(file.status, JSON.stringify(name)).toBe(name.includes("\u0000") ? 400 : 422);
      const body = await json<{ error: { code: string; details?: { field: string }[] } }>(file);
      if (file.status === 422) expect(body.error.details?.[0]?.field).toBe("file");
    }
    const counts = await json<{ status_counts: { all: number } }>(
      await api(ws, "GET", "/documents/status_counts"),
    );
    expect(counts.status_counts.all).toBe(0);
  });

  it("answers 409 for a same-name document and deduplicates identical content", async () => {
    const ws = "api_ws3";
    expect(
      (
        await api(ws, "POST", "/documents/text", {
          text: "First text about Alan Turing.",
          file_source: "turing.txt",
        })
      ).status,
    ).toBe(200);
    const again = await api(ws, "POST", "/documents/text", {
      text: "Other text.",
      file_source: "folder/turing.txt",
    });
    expect(again.status).toBe(409);
    expect((await json<{ error: { code: string } }>(again)).error.code).toBe("conflict");
    const dup = await json(
      await api(ws, "POST", "/documents/text", {
        text: "  First text about Alan Turing.  ",
        file_source: "copy.txt",
      }),
    );
    expect(dup.status).toBe("duplicated");
    const mixed = await json(
      await api(ws, "POST", "/documents/texts", {
        texts: ["First text about Alan Turing.", "New text."],
        file_sources: ["c2.txt", "new.txt"],
      }),
    );
    expect(mixed).toMatchObject({ status: "success", message: expect.stringContaining("1 duplicate") });
    expect(await settled(ws)).toMatchObject({ processed: 2, all: 2 });
  });

  it("uploads txt, md, html, csv, json, docx and pdf", async () => {
    const ws = "api_ws4";
    const files: [string, string | Uint8Array][] = [
      ["a.txt", "Plain text about Marie Curie."],
      ["b.md", "# Title\nMarkdown about Pierre Curie."],
      ["c.html", "<html><script>evil()</script><p>Irene Joliot-Curie &amp; Frederic Joliot</p></html>"],
      ["d.csv", "name,field\nLise Meitner,physics"],
      ["e.json", '{"scientist": "Niels Bohr"}'],
      ["f.docx", docx(["Word document about Enrico Fermi.", "Second paragraph."])],
      ["g.pdf", pdf("PDF about Werner Heisenberg")],
    ];
    for (const [name, content] of files) {
      const res = await upload(ws, name, content);
      expect(res.status, name).toBe(200);
      expect(String((await json(res)).track_id)).toMatch(/^upload_/);
    }
    expect(await settled(ws)).toMatchObject({ processed: 7, failed: 0 });
    const page = await json<{ documents: { file_path: string; content_summary: string }[] }>(
      await api(ws, "POST", "/documents/paginated", {
        page_size: 10,
        sort_field: "file_path",
        sort_direction: "asc",
      }),
    );
    const summary = Object.fromEntries(page.documents.map((d) => [d.file_path, d.content_summary]));
    expect(summary["c.html"]).toBe("Irene Joliot-Curie & Frederic Joliot");
    expect(summary["f.docx"]).toContain("Enrico Fermi");
    expect(summary["g.pdf"]).toContain("Werner Heisenberg");
    const types = await SELF.fetch("http://x/documents/supported_file_types");
    expect(types.headers.get("Vary")).toContain("LIGHTRAG-WORKSPACE");
    expect((await json<{ supported_extensions: string[] }>(types)).supported_extensions).toEqual(
      expect.arrayContaining([".txt", ".md", ".html", ".json", ".csv", ".pdf", ".docx"]),
    );
  });
});

describe("documents API: status, deletion, control", { timeout: 60_000 }, () => {
  it("lists, pages, counts and reports pipeline status", async () => {
    const ws = "api_ws5";
    const texts = Array.from({ length: 12 }, (_, i) => `Document number ${i} mentions Kurt Godel.`);
    await api(ws, "POST", "/documents/texts", { texts, file_sources: texts.map((_, i) => `n${i}.txt`) });
    await settled(ws);
    const page = await json<{
      documents: { id: string }[];
      pagination: Record<string, unknown>;
      status_counts: Record<string, number>;
    }>(await api(ws, "POST", "/documents/paginated", { page: 2, page_size: 10, status_filter: "processed" }));
    expect(page.documents).toHaveLength(2);
    expect(page.pagination).toEqual({
      page: 2,
      page_size: 10,
      total_count: 12,
      total_pages: 2,
      has_next: false,
      has_prev: true,
    });
    expect(page.status_counts).toEqual({ pending: 0, processing: 0, processed: 12, failed: 0, all: 12 });
    expect((await api(ws, "POST", "/documents/paginated", { page_size: 5 })).status).toBe(422);
    const legacy = await json<{ statuses: Record<string, unknown[]> }>(await api(ws, "GET", "/documents"));
    expect(legacy.statuses.processed).toHaveLength(12);
    const pipeline = await json(await api(ws, "GET", "/documents/pipeline_status"));
    expect(pipeline).toMatchObject({
      busy: false,
      docs: expect.any(Number),
      latest_message: expect.stringContaining("Processed"),
    });
    expect(Array.isArray(pipeline.history_messages)).toBe(true);
    expect(await json(await api(ws, "POST", "/documents/cancel_pipeline"))).toMatchObject({
      status: "not_busy",
    });
    expect(await json(await api(ws, "POST", "/documents/clear_cache", {}))).toMatchObject({
      status: "success",
    });
    expect(await json(await api(ws, "POST", "/documents/reprocess_failed"))).toMatchObject({
      status: "reprocessing_started",
    });
  });

  it("deletes documents in the background and clears a workspace", async () => {
    const ws = "api_ws6";
    const texts = [
      "Alan Turing met Alonzo Church in Princeton.",
      "Alonzo Church taught Alan Turing logic.",
      "Kurt Godel visited Princeton.",
    ];
    await api(ws, "POST", "/documents/texts", { texts, file_sources: ["t1.txt", "t2.txt", "t3.txt"] });
    await settled(ws);
    const page = await json<{ documents: { id: string; file_path: string }[] }>(
      await api(ws, "POST", "/documents/paginated", {}),
    );
    const ids = page.documents.filter((d) => d.file_path !== "t3.txt").map((d) => d.id);
    expect(
      (await api(ws, "DELETE", "/documents/delete_document", { doc_ids: [ids[0], ids[0]] })).status,
    ).toBe(422);
    expect((await api(ws, "DELETE", "/documents/delete_document", { doc_ids: ["doc-missing"] })).status).toBe(
      404,
    );
    const started = await json(await api(ws, "DELETE", "/documents/delete_document", { doc_ids: ids }));
    expect(started).toMatchObject({ status: "deletion_started" });
    await waitFor(async () => {
      const counts = await json<{ status_counts: { all: number } }>(
        await api(ws, "GET", "/documents/status_counts"),
      );
      return counts.status_counts.all === 1;
    });
    expect(await orphans(ws)).toEqual([]);
    const labels = await json<string[]>(await api(ws, "GET", "/graph/label/list"));
    expect(labels).toContain("Kurt Godel");
    expect(labels).not.toContain("Alonzo Church");
    expect(await json(await api(ws, "DELETE", "/documents"))).toMatchObject({ status: "success" });
    expect(await json<string[]>(await api(ws, "GET", "/graph/label/list"))).toEqual([]);
    expect(await orphans(ws)).toEqual([]);
  });
});
