/**
 * The lexical index follows every path that writes the knowledge rows, through the real app
 * (local extractor and embedder): ingestion, graph edits (create, rename, merge, delete),
 * document deletion, workspace purge. After each step the index holds exactly the base rows.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, json, settled, waitFor } from "../documents/helpers";
import { expectIndexMatchesRows, lexicalStore as lexical } from "../fixtures/lexical-index";

async function ingest(ws: string, text: string, file: string, expected: number): Promise<string> {
  expect((await api(ws, "POST", "/documents/text", { text, file_source: file })).status).toBe(200);
  await waitFor(async () => (await settled(ws)).processed >= expected);
  const listed = await json<{ documents: { id: string; file_path: string }[] }>(
    await api(ws, "POST", "/documents/paginated", { page: 1, page_size: 50 }),
  );
  const doc = listed.documents.find((d) => d.file_path === file);
  if (!doc) throw new Error(`${file} not listed`);
  return doc.id;
}

const TEXT = "Ferdinand Quimby founded Zanzibar Works in 1911. Ferdinand Quimby lived in Lisbon.";
const OTHER = "Ottoline Marchbanks painted the Lisbon harbour in 1923.";

describe("lexical index maintenance", { timeout: 120_000 }, () => {
  it("ingestion, graph edits, document deletion and purge keep the index equal to the rows", async () => {
    const ws = "lx_maint";
    const doc = await ingest(ws, TEXT, "quimby.txt", 1);
    await ingest(ws, OTHER, "marchbanks.txt", 2);
    await expectIndexMatchesRows(ws);
    const found = await lexical().search(ws, { chunks: "1911 Quimby", entities: "Quimby", limit: 10 });
    expect(found.chunks).toHaveLength(1);
    expect(found.entities).toContain("Ferdinand Quimby");

    // Graph edits: create, rename, merge, delete.
    expect(
      (
        await api(ws, "POST", "/graph/entity/create", {
          entity_name: "Xerxes Pelleas",
          entity_data: { description: "A harbour pilot.", entity_type: "person" },
        })
      ).status,
    ).toBe(200);
    expect((await lexical().search(ws, { entities: "pilot", limit: 5 })).entities).toEqual([
      "Xerxes Pelleas",
    ]);
    const renamed = await api(ws, "POST", "/graph/entity/edit", {
      entity_name: "Ferdinand Quimby",
      updated_data: { entity_name: "Sir Ferdinand", description: "Founder of a shipyard." },
      allow_rename: true,
    });
    expect(renamed.status).toBe(200);
    // Other entities' descriptions still name him; the renamed entity is gone.
    expect((await lexical().search(ws, { entities: "Quimby", limit: 5 })).entities).not.toContain(
      "Ferdinand Quimby",
    );
    expect((await lexical().search(ws, { entities: "shipyard", limit: 5 })).entities).toEqual([
      "Sir Ferdinand",
    ]);
    await expectIndexMatchesRows(ws);
    const merged = await api(ws, "POST", "/graph/entities/merge", {
      entities_to_change: ["Xerxes Pelleas"],
      entity_to_change_into: "Sir Ferdinand",
    });
    expect(merged.status).toBe(200);
    expect((await lexical().search(ws, { entities: "Xerxes", limit: 5 })).entities).not.toContain(
      "Xerxes Pelleas",
    );
    await expectIndexMatchesRows(ws);
    expect(
      (await api(ws, "DELETE", "/documents/delete_entity", { entity_name: "Ottoline Marchbanks" })).status,
    ).toBe(200);
    expect((await lexical().search(ws, { entities: "Ottoline", limit: 5 })).entities).not.toContain(
      "Ottoline Marchbanks",
    );
    await expectIndexMatchesRows(ws);

    // Document deletion: its chunks leave the index.
    expect((await api(ws, "DELETE", "/documents/delete_document", { doc_ids: [doc] })).status).toBe(200);
    await waitFor(
      async () => (await lexical().search(ws, { chunks: "Zanzibar", limit: 5 })).chunks.length === 0,
    );
    await expectIndexMatchesRows(ws);
    expect((await lexical().search(ws, { chunks: "harbour 1923", limit: 5 })).chunks).toHaveLength(1);

    // Workspace purge: nothing of it is left in the index.
    const purged = await api(ws, "DELETE", `/admin/workspaces/${ws}`, { confirm: ws });
    expect(purged.status).toBe(200);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM rag_fts_keys WHERE workspace = ?1")
      .bind(ws)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(await lexical().search(ws, { chunks: "harbour", entities: "Lisbon", limit: 5 })).toEqual({
      chunks: [],
      entities: [],
      relations: [],
    });
  });
});
