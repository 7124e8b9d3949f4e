import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ftsMatchExpression } from "../../src/storage/d1/fts-query";
import { D1LexicalStore } from "../../src/storage/d1/lexical";
import { createD1Stores } from "../../src/storage/d1/stores";
import { IndexedLexicalStore } from "../../src/storage/graph-index/lexical-store";
import { graphIndexOf, invalidateGraphIndex } from "../../src/storage/graph-index/store";
import type { LexicalStore } from "../../src/storage/lexical";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { describeLexicalContract } from "./contract/lexical-store";

const makeStores = () =>
  createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (ws) =>
    invalidateGraphIndex(env.GRAPH_INDEX, ws),
  );

describeLexicalContract("D1", () => ({ stores: makeStores(), lexical: new D1LexicalStore(env.DB) }));

/**
 * The graph index's in-memory BM25: each look-up first brings the index up to date and checks
 * it answered, so the contract runs against memory rather than the D1 fallback.
 */
describeLexicalContract("D1 + graph index in memory", () => {
  const indexed = new IndexedLexicalStore(env.GRAPH_INDEX, new D1LexicalStore(env.DB));
  const lexical: LexicalStore = {
    async search(workspace, request) {
      const stub = graphIndexOf(env.GRAPH_INDEX, workspace);
      await stub.rebuild(workspace);
      const fromMemory = await stub.lexical(workspace, request);
      expect(fromMemory).not.toBeNull();
      expect(await indexed.search(workspace, request)).toEqual(fromMemory);
      return fromMemory ?? indexed.search(workspace, request);
    },
    rebuild: (workspace) => indexed.rebuild(workspace),
  };
  return { stores: makeStores(), lexical };
});

describe("FTS5 match expressions", () => {
  it("quotes every word, drops stop words and duplicates, caps the count", () => {
    expect(ftsMatchExpression('Who wrote "Dune" (1965)?')).toBe('"wrote" OR "dune" OR "1965"');
    // Question words and auxiliaries are stop words (Snowball's list, as on Postgres).
    expect(ftsMatchExpression("Which film did he direct, and how does it end?")).toBe(
      '"film" OR "direct" OR "end"',
    );
    expect(ftsMatchExpression("The Lord of the Rings, the")).toBe('"lord" OR "rings"');
    expect(ftsMatchExpression("the of ?! --")).toBeNull();
    expect(ftsMatchExpression("a b c d e f", 2)).toBe('"b" OR "c"');
    expect(ftsMatchExpression("Ｆｕｌｌｗｉｄｔｈ Zoë")).toBe('"fullwidth" OR "zoë"');
  });
});

describe("D1 lexical index", () => {
  it("rebuild repairs an index that lost rows", async () => {
    const stores = makeStores();
    const lexical = new D1LexicalStore(env.DB);
    const ws = `lx_repair_${Date.now()}`;
    await stores.chunks.upsert(ws, [
      { id: "d-chunk-000", docId: "d", order: 0, tokens: 1, content: "Marmalade", filePath: "d.txt" },
    ]);
    await env.DB.prepare(
      "DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM rag_fts_keys WHERE workspace = ?1)",
    )
      .bind(ws)
      .run();
    expect((await lexical.search(ws, { chunks: "marmalade", limit: 5 })).chunks).toEqual([]);
    await lexical.rebuild(ws);
    expect((await lexical.search(ws, { chunks: "marmalade", limit: 5 })).chunks).toEqual(["d-chunk-000"]);
  });
});
