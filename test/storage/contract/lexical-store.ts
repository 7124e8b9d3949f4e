/**
 * Contract every lexical adapter (D1's FTS5, Postgres' tsvector) must meet: the
 * index follows every write of the base stores, finds names, numbers and rare words, keeps
 * workspaces apart, and no user text is ever a query syntax error.
 */
import { describe, expect, it } from "vitest";
import type { Stores } from "../../../src/storage/index";
import type { LexicalStore } from "../../../src/storage/lexical";

let counter = 0;
const freshWorkspace = () => `lx_${Date.now()}_${counter++}`;

export interface LexicalFixture {
  stores: Stores;
  lexical: LexicalStore;
}

const chunk = (docId: string, order: number, content: string) => ({
  id: `${docId}-chunk-${String(order).padStart(3, "0")}`,
  docId,
  order,
  tokens: 5,
  content,
  filePath: `${docId}.txt`,
});

const entity = (name: string, description: string) => ({
  name,
  entityType: "person",
  description,
  sourceId: "c1",
  filePath: "a.txt",
  createdAt: 1,
});

const relation = (src: string, tgt: string, keywords: string, description: string) => ({
  src,
  tgt,
  keywords,
  description,
  weight: 1,
  sourceId: "c1",
  filePath: "a.txt",
  createdAt: 1,
});

const noGraph = { upsertEntities: [], deleteEntities: [], upsertRelations: [], deleteRelations: [] };

export function describeLexicalContract(name: string, make: () => LexicalFixture): void {
  describe(`lexical store contract: ${name}`, () => {
    it("chunks: names, numbers, diacritics and stems are found; replace and delete follow", async () => {
      const { stores, lexical } = make();
      const ws = freshWorkspace();
      await stores.chunks.upsert(ws, [
        chunk("d1", 0, "Zoë Kravitz was born in 1988 in Los Angeles."),
        chunk("d1", 1, "The film premiered at the festival."),
        chunk("d2", 0, "Kravitz and Kravitz again: Lenny Kravitz, musician."),
      ]);
      const find = async (text: string) => (await lexical.search(ws, { chunks: text, limit: 10 })).chunks;
      expect(await find("Zoe")).toEqual(["d1-chunk-000"]);
      expect(await find("born 1988?")).toEqual(["d1-chunk-000"]);
      expect(await find("films premiering")).toEqual(["d1-chunk-001"]);
      // BM25: the chunk that says the rare word more often ranks first.
      expect(await find("Kravitz")).toEqual(["d2-chunk-000", "d1-chunk-000"]);
      expect((await lexical.search(ws, { chunks: "Kravitz", limit: 1 })).chunks).toEqual(["d2-chunk-000"]);
      await stores.chunks.upsert(ws, [chunk("d1", 0, "Rewritten: nothing about her now.")]);
      expect(await find("1988")).toEqual([]);
      expect(await find("rewritten")).toEqual(["d1-chunk-000"]);
      await stores.chunks.deleteByDocuments(ws, ["d1"]);
      expect(await find("rewritten festival")).toEqual([]);
      expect(await find("Lenny")).toEqual(["d2-chunk-000"]);
    });

    it("entities and relations: upsert, merge rewrite and delete follow the graph", async () => {
      const { stores, lexical } = make();
      const ws = freshWorkspace();
      await stores.graph.write(ws, {
        ...noGraph,
        upsertEntities: [
          entity("Arthur Conan Doyle", "Scottish writer, created Sherlock Holmes"),
          entity("Agatha Christie", "English crime novelist"),
        ],
        upsertRelations: [
          relation(
            "Agatha Christie",
            "Arthur Conan Doyle",
            "influence, detective fiction",
            "Christie admired Doyle",
          ),
        ],
      });
      const search = (entities: string, relations = entities) =>
        lexical.search(ws, { entities, relations, limit: 10 });
      expect((await search("Doyle")).entities).toEqual(["Arthur Conan Doyle"]);
      expect((await search("sherlock")).entities).toEqual(["Arthur Conan Doyle"]);
      expect((await search("detective")).relations).toEqual([
        { src: "Agatha Christie", tgt: "Arthur Conan Doyle" },
      ]);
      await stores.graph.write(ws, {
        ...noGraph,
        upsertEntities: [entity("Agatha Christie", "Wrote Poirot mysteries")],
        upsertRelations: [relation("Agatha Christie", "Arthur Conan Doyle", "rivalry", "friendly rivals")],
      });
      expect((await search("novelist")).entities).toEqual([]);
      expect((await search("Poirot")).entities).toEqual(["Agatha Christie"]);
      expect((await search("detective")).relations).toEqual([]);
      expect((await search("rivalry")).relations).toHaveLength(1);
      await stores.graph.write(ws, {
        ...noGraph,
        deleteEntities: ["Arthur Conan Doyle"],
        deleteRelations: [{ src: "Agatha Christie", tgt: "Arthur Conan Doyle" }],
      });
      expect(await search("Doyle rivalry")).toEqual({ chunks: [], entities: [], relations: [] });
    });

    it("document deletion and workspace clearing through the commit writer empty the index", async () => {
      const { stores, lexical } = make();
      const ws = freshWorkspace();
      await stores.chunks.upsert(ws, [chunk("d1", 0, "Quasar telescopes"), chunk("d2", 0, "Quasar maps")]);
      await stores.writer.commit(ws, {
        docIds: ["d1"],
        entitySources: [],
        relationSources: [],
        graph: { ...noGraph, upsertEntities: [entity("Quasar", "bright galactic nucleus")] },
        deleteDocuments: true,
      });
      expect(await lexical.search(ws, { chunks: "quasar", entities: "quasar", limit: 5 })).toEqual({
        chunks: ["d2-chunk-000"],
        entities: ["Quasar"],
        relations: [],
      });
      await stores.writer.clearWorkspace(ws);
      expect(await lexical.search(ws, { chunks: "quasar", entities: "quasar", limit: 5 })).toEqual({
        chunks: [],
        entities: [],
        relations: [],
      });
    });

    it("keeps workspaces apart", async () => {
      const { stores, lexical } = make();
      const [a, b] = [freshWorkspace(), freshWorkspace()];
      await stores.chunks.upsert(a, [chunk("d1", 0, "Xylophone orchestra")]);
      await stores.chunks.upsert(b, [chunk("d1", 0, "Xylophone solo")]);
      expect((await lexical.search(a, { chunks: "xylophone", limit: 5 })).chunks).toEqual(["d1-chunk-000"]);
      await stores.chunks.deleteByDocuments(b, ["d1"]);
      expect((await lexical.search(a, { chunks: "xylophone", limit: 5 })).chunks).toEqual(["d1-chunk-000"]);
      expect((await lexical.search(b, { chunks: "xylophone", limit: 5 })).chunks).toEqual([]);
    });

    it("no user text is a syntax error", async () => {
      const { stores, lexical } = make();
      const ws = freshWorkspace();
      await stores.chunks.upsert(ws, [chunk("d1", 0, "AND OR NOT NEAR are words here, as is C++ 3.5")]);
      const hostile = [
        "",
        "   ",
        '"',
        'unbalanced "quote',
        "NEAR(a b, 3)",
        "AND",
        "OR NOT",
        "col:word",
        "^start * prefix*",
        "-minus +plus (paren",
        "{a b}:c",
        "'; DROP TABLE chunks; --",
        "😀 emoji ∑ ≠",
        "x".repeat(5000),
        Array.from({ length: 500 }, (_, i) => `w${i}`).join(" "),
      ];
      for (const text of hostile) {
        await expect(
          lexical.search(ws, { chunks: text, entities: text, relations: text, limit: 5 }),
        ).resolves.toBeDefined();
      }
      expect((await lexical.search(ws, { chunks: "NEAR(", limit: 5 })).chunks).toEqual(["d1-chunk-000"]);
      expect((await lexical.search(ws, { chunks: "3.5", limit: 5 })).chunks).toEqual(["d1-chunk-000"]);
    });

    it("rebuild re-indexes a workspace from its rows", async () => {
      const { stores, lexical } = make();
      const ws = freshWorkspace();
      await stores.chunks.upsert(ws, [chunk("d1", 0, "Rebuilt pelican"), chunk("d1", 1, "other")]);
      await stores.graph.write(ws, {
        ...noGraph,
        upsertEntities: [entity("Pelican", "a bird")],
        upsertRelations: [relation("Pelican", "Sea", "habitat", "lives by the sea")],
      });
      expect(await lexical.rebuild(ws)).toEqual({ chunks: 2, entities: 1, relations: 1 });
      expect(await lexical.rebuild(ws)).toEqual({ chunks: 2, entities: 1, relations: 1 });
      expect(
        await lexical.search(ws, { chunks: "pelican", entities: "pelican", relations: "habitat", limit: 5 }),
      ).toEqual({
        chunks: ["d1-chunk-000"],
        entities: ["Pelican"],
        relations: [{ src: "Pelican", tgt: "Sea" }],
      });
    });
  });
}
