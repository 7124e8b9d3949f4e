/** Contract every relational adapter set (D1 now, Postgres later) must meet. */
import { describe, expect, it } from "vitest";
import type { DocumentRecord } from "../../../src/storage/documents";
import type { Stores } from "../../../src/storage/index";
import { entityVectorId, relationVectorId } from "../../../src/storage/vector-ids";

let counter = 0;
const freshWorkspace = () => `kc_${Date.now()}_${counter++}`;

export function docRecord(
  workspace: string,
  id: string,
  patch: Partial<DocumentRecord> = {},
): DocumentRecord {
  return {
    id,
    workspace,
    filePath: `${id}.txt`,
    contentHash: `hash-${id}`,
    contentSummary: "summary",
    contentLength: 10,
    status: "pending",
    errorMsg: null,
    chunksCount: null,
    chunksList: [],
    trackId: "insert_1",
    metadata: {},
    attempts: 0,
    createdAt: 1000,
    updatedAt: 1000,
    ...patch,
  };
}

const entity = (name: string, description = `about ${name}`) => ({
  name,
  entityType: "concept",
  description,
  sourceId: "c1",
  filePath: "a.txt",
  createdAt: 1,
});
const relation = (src: string, tgt: string, weight = 1) => ({
  src,
  tgt,
  keywords: "k",
  description: `${src}-${tgt}`,
  weight,
  sourceId: "c1",
  filePath: "a.txt",
  createdAt: 1,
});

export function describeKnowledgeStoresContract(name: string, makeStores: () => Stores): void {
  describe(`knowledge stores contract: ${name}`, () => {
    it("documents: insert, text in parts, lookups, status, paging, counts, delete", async () => {
      const { documents } = makeStores();
      const ws = freshWorkspace();
      const big = "x".repeat(900_000);
      await documents.insert(ws, [
        { record: docRecord(ws, "d1", { createdAt: 1, updatedAt: 1 }), content: big },
        { record: docRecord(ws, "d2", { createdAt: 2, updatedAt: 2, trackId: "t2" }), content: "two" },
        {
          record: docRecord(ws, "d3", { createdAt: 3, updatedAt: 3, trackId: "t2", status: "failed" }),
          content: "",
        },
      ]);
      expect(await documents.content(ws, "d1")).toBe(big);
      expect(await documents.content(ws, "d3")).toBe("");
      expect(await documents.content(ws, "nope")).toBeNull();
      expect((await documents.findByFilePaths(ws, ["d2.txt", "zz"])).map((d) => d.id)).toEqual(["d2"]);
      expect((await documents.findByContentHashes(ws, ["hash-d3"])).map((d) => d.id)).toEqual(["d3"]);
      expect((await documents.byTrackId(ws, "t2")).map((d) => d.id)).toEqual(["d2", "d3"]);
      await documents.setStatus(ws, ["d1"], {
        status: "processed",
        chunksCount: 2,
        chunksList: ["a", "b"],
        countAttempt: true,
      });
      const [d1] = await documents.get(ws, ["d1"]);
      expect(d1).toMatchObject({
        status: "processed",
        chunksCount: 2,
        chunksList: ["a", "b"],
        attempts: 1,
        errorMsg: null,
      });
      const page = await documents.list(ws, {
        page: 1,
        pageSize: 2,
        sortField: "created_at",
        sortDirection: "asc",
      });
      expect(page.total).toBe(3);
      expect(page.documents.map((d) => d.id)).toEqual(["d1", "d2"]);
      const failed = await documents.list(ws, {
        statuses: ["failed"],
        page: 1,
        pageSize: 10,
        sortField: "id",
        sortDirection: "desc",
      });
      expect(failed.documents.map((d) => d.id)).toEqual(["d3"]);
      expect(await documents.statusCounts(ws)).toEqual({
        pending: 1,
        processing: 0,
        processed: 1,
        failed: 1,
      });
      expect((await documents.idsByStatus(ws, "pending", Date.now() + 1000, 10)).map((r) => r.id)).toEqual([
        "d2",
      ]);
      await documents.delete(ws, ["d1", "d2"]);
      expect((await documents.get(ws, ["d1", "d2", "d3"])).map((d) => d.id)).toEqual(["d3"]);
      expect(await documents.content(ws, "d1")).toBeNull();
      expect(await documents.statusCounts(freshWorkspace())).toEqual({
        pending: 0,
        processing: 0,
        processed: 0,
        failed: 0,
      });
    });

    it("chunks: upsert idempotently, read by ids and document, delete by document", async () => {
      const { chunks } = makeStores();
      const ws = freshWorkspace();
      const make = (docId: string, order: number) => ({
        id: `${docId}-chunk-${String(order).padStart(3, "0")}`,
        docId,
        order,
        tokens: 5,
        content: `text ${order}`,
        filePath: "f.txt",
      });
      await chunks.upsert(ws, [make("d1", 1), make("d1", 0), make("d2", 0)]);
      await chunks.upsert(ws, [make("d1", 0)]);
      expect((await chunks.byDocument(ws, "d1")).map((c) => c.order)).toEqual([0, 1]);
      expect((await chunks.get(ws, ["d2-chunk-000", "zz"])).map((c) => c.content)).toEqual(["text 0"]);
      expect((await chunks.deleteByDocuments(ws, ["d1"])).sort()).toEqual(["d1-chunk-000", "d1-chunk-001"]);
      expect(await chunks.byDocument(ws, "d1")).toEqual([]);
      expect(await chunks.byDocument(freshWorkspace(), "d2")).toEqual([]);
    });

    it("graph: write, lookups by names and pairs, degrees, labels, neighbourhood", async () => {
      const { graph } = makeStores();
      const ws = freshWorkspace();
      await graph.write(ws, {
        upsertEntities: ["A", "B", "C", "D", "Alpha"].map((n) => entity(n)),
        deleteEntities: [],
        upsertRelations: [relation("A", "B"), relation("A", "C"), relation("B", "C", 2), relation("C", "D")],
        deleteRelations: [],
      });
      expect((await graph.getEntities(ws, ["A", "Z"])).map((e) => e.name)).toEqual(["A"]);
      const pairs = await graph.getRelations(ws, [
        { src: "B", tgt: "A" },
        { src: "C", tgt: "B" },
      ]);
      expect(pairs.map((r) => `${r.src}-${r.tgt}:${r.weight}`).sort()).toEqual(["A-B:1", "B-C:2"]);
      expect((await graph.relationsOf(ws, ["A"])).length).toBe(2);
      const degrees = await graph.degrees(ws, ["A", "C", "Alpha", "Z"]);
      expect(Object.fromEntries(degrees)).toEqual({ A: 2, C: 3, Alpha: 0, Z: 0 });
      expect(await graph.popularLabels(ws, 2)).toEqual(["C", "A"]);
      expect(await graph.allLabels(ws)).toEqual(["A", "Alpha", "B", "C", "D"]);
      expect(await graph.searchLabels(ws, "a", 10)).toEqual(["A", "Alpha"]);
      const hood = await graph.neighbourhood(ws, "D", 1, 10);
      expect(hood.entities.map((e) => e.name)).toEqual(["D", "C"]);
      expect(hood.relations.map((r) => `${r.src}-${r.tgt}`)).toEqual(["C-D"]);
      const capped = await graph.neighbourhood(ws, "D", 3, 3);
      expect(capped.truncated).toBe(true);
      expect(capped.entities).toHaveLength(3);
      const star = await graph.neighbourhood(ws, "*", 3, 2);
      expect(star.entities.map((e) => e.name)).toEqual(["C", "A"]);
      expect(star.truncated).toBe(true);
      expect((await graph.neighbourhood(ws, "nobody", 2, 5)).entities).toEqual([]);
      await graph.write(ws, {
        upsertEntities: [{ ...entity("A", "changed"), createdAt: 99 }],
        deleteEntities: ["D"],
        upsertRelations: [],
        deleteRelations: [{ src: "C", tgt: "D" }],
      });
      const [a] = await graph.getEntities(ws, ["A"]);
      expect(a).toMatchObject({ description: "changed", createdAt: 1 });
      expect(await graph.counts(ws)).toEqual({ entities: 4, relations: 3 });
      expect(await graph.entityNames(ws, [entityVectorId("B"), "ent-unknown", entityVectorId("A")])).toEqual([
        "B",
        "A",
      ]);
      expect(await graph.relationPairs(ws, [relationVectorId("C", "B")])).toEqual([{ src: "B", tgt: "C" }]);
      expect(await graph.counts(freshWorkspace())).toEqual({ entities: 0, relations: 0 });
    });

    it("graph: label search takes %, _ and \\ literally and any length of query (no LIKE pattern limit)", async () => {
      const { graph } = makeStores();
      const ws = freshWorkspace();
      const cjk = "東京大学の研究者が開発した新しい人工知能システムの名前と歴史について";
      const names = ["100% pure", "1000 pure", "snake_case", "snakeXcase", "back\\slash", cjk, "Alpha"];
      await graph.write(ws, {
        upsertEntities: names.map((n) => entity(n)),
        deleteEntities: [],
        upsertRelations: [],
        deleteRelations: [],
      });
      expect(await graph.searchLabels(ws, "%", 10)).toEqual(["100% pure"]);
      expect(await graph.searchLabels(ws, "_", 10)).toEqual(["snake_case"]);
      expect(await graph.searchLabels(ws, "\\", 10)).toEqual(["back\\slash"]);
      // 31 CJK characters are 93 UTF-8 bytes: far over D1's 50-byte LIKE pattern limit.
      expect(await graph.searchLabels(ws, cjk, 10)).toEqual([cjk]);
      expect(await graph.searchLabels(ws, cjk.slice(0, 17), 10)).toEqual([cjk]);
      expect(await graph.searchLabels(ws, "x".repeat(256), 10)).toEqual([]);
      expect(await graph.searchLabels(ws, "%".repeat(100), 10)).toEqual([]);
      expect(await graph.searchLabels(ws, "ALPHA", 10)).toEqual(["Alpha"]);
      expect(await graph.searchLabels(ws, "pure", 10)).toEqual(["100% pure", "1000 pure"]);
    });

    it("extractions and writer: results, live sources, atomic commit, clear", async () => {
      const stores = makeStores();
      const ws = freshWorkspace();
      await stores.documents.insert(ws, [{ record: docRecord(ws, "d1"), content: "text" }]);
      const result = {
        chunkId: "d1-chunk-000",
        docId: "d1",
        filePath: "d1.txt",
        entities: [{ name: "A", type: "person", description: "a" }],
        relations: [{ source: "A", target: "B", keywords: "k", description: "ab", weight: 1 }],
      };
      await stores.extractions.putResults(ws, [result]);
      expect(await stores.extractions.results(ws, ["d1-chunk-000"])).toEqual([result]);
      expect(await stores.extractions.resultsByDocuments(ws, ["d1"])).toEqual([result]);
      const source = { chunkId: "d1-chunk-000", docId: "d1", filePath: "d1.txt" };
      await stores.writer.commit(ws, {
        docIds: ["d1"],
        entitySources: [
          { ...source, name: "A", type: "person", description: "a" },
          { ...source, name: "B", type: "UNKNOWN", description: "ab" },
        ],
        relationSources: [{ ...source, src: "A", tgt: "B", keywords: "k", description: "ab", weight: 1 }],
        graph: {
          upsertEntities: [entity("A"), entity("B")],
          deleteEntities: [],
          upsertRelations: [relation("A", "B")],
          deleteRelations: [],
        },
        status: { status: "processed" },
      });
      expect((await stores.documents.get(ws, ["d1"]))[0]?.status).toBe("processed");
      expect((await stores.extractions.entitySources(ws, ["A", "B"])).map((s) => s.name).sort()).toEqual([
        "A",
        "B",
      ]);
      expect(await stores.extractions.relationSources(ws, [{ src: "A", tgt: "B" }])).toHaveLength(1);
      expect(await stores.extractions.touchedBy(ws, ["d1"])).toEqual({
        names: expect.arrayContaining(["A", "B"]),
        pairs: [{ src: "A", tgt: "B" }],
      });
      await stores.writer.commit(ws, {
        docIds: ["d1"],
        entitySources: [],
        relationSources: [],
        graph: {
          upsertEntities: [],
          deleteEntities: ["A", "B"],
          upsertRelations: [],
          deleteRelations: [{ src: "A", tgt: "B" }],
        },
        deleteDocuments: true,
      });
      expect(await stores.documents.get(ws, ["d1"])).toEqual([]);
      expect(await stores.extractions.results(ws, ["d1-chunk-000"])).toEqual([]);
      expect(await stores.extractions.touchedBy(ws, ["d1"])).toEqual({ names: [], pairs: [] });
      expect(await stores.graph.counts(ws)).toEqual({ entities: 0, relations: 0 });
      await stores.graph.write(ws, {
        upsertEntities: [entity("Q")],
        deleteEntities: [],
        upsertRelations: [],
        deleteRelations: [],
      });
      await stores.writer.clearWorkspace(ws);
      expect(await stores.graph.counts(ws)).toEqual({ entities: 0, relations: 0 });
    });
  });
}
