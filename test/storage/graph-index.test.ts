/**
 * The graph index Durable Object: a copy of a workspace's graph that answers look-ups exactly
 * as D1 does, stops answering after a write until rebuilt, and never trusts an overtaken rebuild.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { createD1Stores } from "../../src/storage/d1/stores";
import type { GraphIndex } from "../../src/storage/graph-index/graph-index";
import {
  graphIndexOf,
  IndexedGraphSearchStore,
  invalidateGraphIndex,
} from "../../src/storage/graph-index/store";
import type { GraphLookup } from "../../src/storage/graph-search";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { entityVectorId, relationVectorId } from "../../src/storage/vector-ids";
import { ENTITIES, seedCorpus } from "../query/corpus";
import { deps, ingest, sharedCorpus } from "../rag/engine-helpers";

const REQUEST: GraphLookup = {
  entityVectorIds: ENTITIES.map((e) => entityVectorId(e.name)).reverse(),
  relationVectorIds: [
    relationVectorId("Babbage Labs", "Charles Babbage"),
    relationVectorId("Acme Corporation", "London"),
  ],
};

async function built(workspace: string): Promise<void> {
  await seedCorpus(workspace);
  expect(await graphIndexOf(env.GRAPH_INDEX, workspace).rebuild(workspace)).toBe(true);
}

describe("graph index", () => {
  it("answers nothing until built, then exactly what D1 answers", async () => {
    const ws = "gi_equal";
    await seedCorpus(ws);
    const indexed = new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB);
    const fromD1 = await new D1GraphSearchStore(env.DB).lookup(ws, REQUEST);
    const stale = await indexed.lookup(ws, REQUEST);
    expect(stale.servedBy).toBe("d1");
    expect(stale.local).toEqual(fromD1.local);
    expect(await runDurableObjectAlarm(graphIndexOf(env.GRAPH_INDEX, ws))).toBe(true);
    const served = await indexed.lookup(ws, REQUEST);
    expect(served.servedBy).toBe("index");
    expect(served.local).toEqual(fromD1.local);
    expect(served.global).toEqual(fromD1.global);
    expect(served.local?.entities.length).toBe(ENTITIES.length);
    const status = await graphIndexOf(env.GRAPH_INDEX, ws).status();
    expect(status).toMatchObject({ fresh: true, entities: ENTITIES.length, relations: 4 });
  });

  it("stops answering after a graph write and serves the new graph once rebuilt", async () => {
    const ws = "gi_write";
    await built(ws);
    const indexed = new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB);
    const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (w) =>
      invalidateGraphIndex(env.GRAPH_INDEX, w),
    );
    await stores.graph.write(ws, {
      upsertEntities: [],
      deleteEntities: ["London"],
      upsertRelations: [],
      deleteRelations: [{ src: "Acme Corporation", tgt: "London" }],
    });
    const request = { entityVectorIds: [entityVectorId("Acme Corporation")] };
    const afterWrite = await indexed.lookup(ws, request);
    expect(afterWrite.servedBy).toBe("d1");
    expect(afterWrite.local?.relations.map((r) => r.tgt)).not.toContain("London");
    await runDurableObjectAlarm(graphIndexOf(env.GRAPH_INDEX, ws));
    const rebuilt = await indexed.lookup(ws, request);
    expect(rebuilt.servedBy).toBe("index");
    expect(rebuilt.local).toEqual(afterWrite.local);
  });

  it("does not trust a rebuild that a write overtook, and schedules another", async () => {
    const ws = "gi_race";
    await seedCorpus(ws);
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    const trusted = await runInDurableObject(stub, async (object) => {
      const instance = object as unknown as GraphIndex;
      const target = instance as unknown as { copy: (...args: unknown[]) => Promise<void> };
      const copy = target.copy.bind(instance);
      // A write lands (and invalidates) while the rebuild is copying from D1.
      target.copy = async (...args: unknown[]) => {
        await copy(...args);
        await instance.invalidate();
      };
      try {
        return await instance.rebuild(ws);
      } finally {
        target.copy = copy;
      }
    });
    expect(trusted).toBe(false);
    expect((await stub.status()).fresh).toBe(false);
    expect(await new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB).lookup(ws, REQUEST)).toMatchObject({
      servedBy: "d1",
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status()).fresh).toBe(true);
  });

  it("keeps workspaces apart and reads D1 when the index cannot be reached", async () => {
    await built("gi_one");
    await built("gi_two");
    const one = await new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB).lookup("gi_one", REQUEST);
    expect(one.servedBy).toBe("index");
    expect((await graphIndexOf(env.GRAPH_INDEX, "gi_empty").status()).entities).toBe(0);
    const broken = {
      idFromName: (name: string) => env.GRAPH_INDEX.idFromName(name),
      get: () => ({
        lookup: () => Promise.reject(new Error("object unreachable")),
      }),
    } as unknown as DurableObjectNamespace<GraphIndex>;
    const fallback = await new IndexedGraphSearchStore(broken, env.DB).lookup("gi_two", REQUEST);
    expect(fallback.servedBy).toBe("d1");
    expect(fallback.local).toEqual(one.local);
  });

  it("copies graphs larger than one rebuild page", async () => {
    const ws = "gi_pages";
    const names = Array.from({ length: 2100 }, (_, i) => `Node ${String(i).padStart(4, "0")}`);
    const entity = (name: string) => ({
      name,
      entityType: "concept",
      description: `About ${name}.`,
      sourceId: "c1",
      filePath: "f.md",
      createdAt: 1,
    });
    const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (w) =>
      invalidateGraphIndex(env.GRAPH_INDEX, w),
    );
    for (let i = 0; i < names.length; i += 500) {
      const slice = names.slice(i, i + 500);
      await stores.graph.write(ws, {
        upsertEntities: slice.map(entity),
        deleteEntities: [],
        upsertRelations: slice.slice(1).map((name, j) => ({
          src: slice[j] as string,
          tgt: name,
          keywords: "next",
          description: "follows",
          weight: 1,
          sourceId: "c1",
          filePath: "f.md",
          createdAt: 1,
        })),
        deleteRelations: [],
      });
    }
    expect(await graphIndexOf(env.GRAPH_INDEX, ws).rebuild(ws)).toBe(true);
    expect(await graphIndexOf(env.GRAPH_INDEX, ws).status()).toMatchObject({
      fresh: true,
      entities: 2100,
      relations: 2100 - 5,
    });
  }, 60_000);

  it("is invalidated by ingestion, and then serves the ingested graph", async () => {
    const ws = "gi_ingest";
    const d = deps();
    await ingest(d, ws, sharedCorpus(2));
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    expect((await stub.status()).fresh).toBe(false);
    // Writes alone schedule nothing; the first look-up that finds the copy stale does.
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    const lookup = await new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB).lookup(ws, REQUEST);
    expect(lookup.servedBy).toBe("d1");
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const counts = await d.stores.graph.counts(ws);
    expect(counts.entities).toBeGreaterThan(3);
    expect(await stub.status()).toMatchObject({ fresh: true, ...counts });
  }, 60_000);

  it("waits longer before rebuilding when rebuilds take long", async () => {
    const ws = "gi_backoff";
    await built(ws);
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    await runInDurableObject(stub, async (object) => {
      // As if the last rebuild had taken 3 s.
      (object as unknown as { setState: (key: string, value: number) => void }).setState("rebuild_ms", 3000);
    });
    await stub.invalidate();
    const asked = Date.now();
    await new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB).lookup(ws, REQUEST);
    const alarm = await runInDurableObject(stub, (_object, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect((alarm as number) - asked).toBeGreaterThanOrEqual(4 * 3000 - 50);
  });

  it("drops a copy made before line token counts existed, and rebuilds it with them", async () => {
    const ws = "gi_outdated";
    await seedCorpus(ws);
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    // The copy as a version before line_tokens left it, seen by a fresh instance (a new deployment).
    await runInDurableObject(stub, async (object, state) => {
      for (const table of ["entities", "relations", "next_entities", "next_relations", "index_state"]) {
        state.storage.sql.exec(`DROP TABLE IF EXISTS ${table}`);
      }
      state.storage.sql.exec("CREATE TABLE entities (workspace TEXT, name TEXT)");
      state.storage.sql.exec("CREATE TABLE index_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      state.storage.sql.exec("INSERT INTO index_state VALUES ('generation', 7), ('built_from', 7)");
      (object as unknown as { ready: boolean }).ready = false;
    });
    const lookup = await new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB).lookup(ws, REQUEST);
    expect(lookup.servedBy).toBe("d1");
    expect(await stub.rebuild(ws)).toBe(true);
    expect(await stub.status()).toMatchObject({ fresh: true, entities: ENTITIES.length });
  });
});

describe("graph index: in-memory BM25 of entities and relations", () => {
  /** Words with stems, diacritics, numbers and stop words, so tokenizer and stemmer are exercised. */
  const VOCABULARY = (
    "run running runs runner ran connection connected connecting connects network networks " +
    "relational relate generalization generalize Zoë zoe café résumé 1988 2024 x86 the of and " +
    "which film films filming director directed directing happiness happy hopeful hopefully " +
    "agreed agreement national nationalism university universe sensational dune herbert novel"
  ).split(" ");

  /** A deterministic pseudo-random sequence (no Math.random: failures must replay). */
  function* numbers(seed: number): Generator<number> {
    let state = seed;
    for (;;) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      yield state;
    }
  }

  it("ranks exactly as FTS5's bm25() over the same rows, with the same porter unicode61 tokenizer", async () => {
    const random = numbers(42);
    const pick = () => VOCABULARY[(random.next().value as number) % VOCABULARY.length] as string;
    const rows = Array.from({ length: 120 }, (_, i) => ({
      key: `E${String(i).padStart(3, "0")}`,
      texts: [pick(), Array.from({ length: 3 + ((random.next().value as number) % 25) }, pick).join(" ")],
    }));
    const queries = Array.from({ length: 60 }, () =>
      Array.from({ length: 1 + ((random.next().value as number) % 4) }, pick).join(" "),
    );
    const { Bm25Index } = await import("../../src/storage/graph-index/bm25");
    const { ftsMatchExpression, queryWords } = await import("../../src/storage/d1/fts-query");
    const index = Bm25Index.build(rows);
    const stub = graphIndexOf(env.GRAPH_INDEX, "gi_bm25_parity");
    const fromFts = await runInDurableObject(stub, (_object, state) => {
      const sql = state.storage.sql;
      sql.exec(
        "CREATE VIRTUAL TABLE parity USING fts5(name, description, content='', tokenize='porter unicode61 remove_diacritics 2')",
      );
      rows.forEach((row, i) => {
        sql.exec("INSERT INTO parity (rowid, name, description) VALUES (?, ?, ?)", i + 1, ...row.texts);
      });
      return queries.map((query) => {
        const match = ftsMatchExpression(query);
        if (!match) return [];
        return sql
          .exec<{ id: number }>(
            "SELECT rowid AS id FROM parity WHERE parity MATCH ? ORDER BY rank, rowid LIMIT 10",
            match,
          )
          .toArray()
          .map(({ id }) => rows[id - 1]?.key);
      });
    });
    const answered = queries.map((query) => index.search(queryWords(query), 10));
    expect(answered).toEqual(fromFts);
    expect(answered.filter((keys) => keys.length > 1).length).toBeGreaterThan(40);
  });

  it("answers look-ups from memory once fresh, D1's FTS5 while stale or unreachable", async () => {
    const ws = "gi_lexical";
    await seedCorpus(ws);
    const { IndexedLexicalStore } = await import("../../src/storage/graph-index/lexical-store");
    const { D1LexicalStore } = await import("../../src/storage/d1/lexical");
    const request = { entities: ENTITIES[0]?.name ?? "", relations: "London", chunks: "London", limit: 10 };
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    expect(await stub.lexical(ws, request)).toBeNull();
    const d1 = new D1LexicalStore(env.DB);
    const fromD1 = await d1.search(ws, request);
    const indexed = new IndexedLexicalStore(env.GRAPH_INDEX, d1);
    expect(await indexed.search(ws, request)).toEqual(fromD1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const fromMemory = await stub.lexical(ws, request);
    expect(fromMemory?.entities[0]).toBe(ENTITIES[0]?.name);
    expect(fromMemory?.relations.length).toBeGreaterThan(0);
    expect(new Set(fromMemory?.chunks)).toEqual(new Set(fromD1.chunks));
    expect(fromMemory?.chunks.length).toBeGreaterThan(0);
    expect(await indexed.search(ws, request)).toEqual(fromMemory);
    const broken = {
      idFromName: (name: string) => env.GRAPH_INDEX.idFromName(name),
      get: () => ({ lexical: () => Promise.reject(new Error("object unreachable")) }),
    } as unknown as DurableObjectNamespace<GraphIndex>;
    expect(await new IndexedLexicalStore(broken, d1).search(ws, request)).toEqual(fromD1);
  });

  it("ranks, fuses and looks up in one call as the separate search and look-up do; null while stale, too large or unreachable", async () => {
    const ws = "gi_fused";
    await seedCorpus(ws);
    const { lexicalHitIds } = await import("../../src/storage/lexical");
    const { fuseIds } = await import("../../src/storage/fusion");
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    const indexed = new IndexedGraphSearchStore(env.GRAPH_INDEX, env.DB);
    const request = {
      entityVectorIds: [entityVectorId("London"), entityVectorId("Paris")],
      relationVectorIds: [relationVectorId("Acme Corporation", "London")],
      lexical: { entities: "Babbage lab", relations: "collaboration", chunks: "rain November", limit: 3 },
      chunkLimit: 2,
      graphLimit: 3,
    };
    expect(await indexed.lookupFused(ws, request)).toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const fused = await indexed.lookupFused(ws, request);
    const found = await stub.lexical(ws, request.lexical);
    if (!found || !fused) throw new Error("the fresh index must answer");
    const hits = lexicalHitIds(found, 2, 3);
    expect(fused.lexical).toEqual(hits);
    expect(hits.entities.length + hits.relations.length + hits.chunks.length).toBeGreaterThan(2);
    const separate = await indexed.lookup(ws, {
      entityVectorIds: fuseIds(request.entityVectorIds, hits.entities, 3),
      relationVectorIds: fuseIds(request.relationVectorIds, hits.relations, 3),
    });
    expect({
      local: fused.local,
      global: fused.global,
      chunkIds: fused.chunkIds,
      servedBy: fused.servedBy,
    }).toEqual(separate);
    expect(fused.local?.entities.map((e) => e.name)).toContain("Charles Babbage");
    const unreachable = {
      idFromName: (name: string) => env.GRAPH_INDEX.idFromName(name),
      get: () => ({ fusedLookup: () => Promise.reject(new Error("object unreachable")) }),
    } as unknown as DurableObjectNamespace<GraphIndex>;
    expect(await new IndexedGraphSearchStore(unreachable, env.DB).lookupFused(ws, request)).toBeNull();
    await runInDurableObject(stub, (object) => {
      const instance = object as unknown as { lexicalIndex: unknown; maxLexicalChars: number };
      instance.maxLexicalChars = 1;
      instance.lexicalIndex = null;
    });
    expect(await indexed.lookupFused(ws, request)).toBeNull();
  });

  it("builds the in-memory index in the rebuild once lexical look-ups were asked, not in the next query", async () => {
    const ws = "gi_lexical_prebuilt";
    await seedCorpus(ws);
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    const built = () =>
      runInDurableObject(
        stub,
        (object) => (object as unknown as { lexicalIndex: unknown }).lexicalIndex !== null,
      );
    expect(await stub.rebuild(ws)).toBe(true);
    expect(await built()).toBe(false);
    expect(await stub.lexical(ws, { chunks: "London", limit: 5 })).not.toBeNull();
    await stub.invalidate();
    expect(await stub.rebuild(ws)).toBe(true);
    expect(await built()).toBe(true);
  });

  it("leaves a workspace above the in-memory limit to D1", async () => {
    const ws = "gi_lexical_large";
    await seedCorpus(ws);
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    expect(await stub.rebuild(ws)).toBe(true);
    expect(await stub.lexical(ws, { entities: "London", limit: 5 })).not.toBeNull();
    // The copy's text over the budget, as in a very large workspace (the budget lowered to it).
    const chars = await runInDurableObject(stub, (object, state) => {
      const copied = state.storage.sql
        .exec<{ n: number }>("SELECT sum(length(content)) AS n FROM chunks")
        .toArray()[0]?.n;
      const instance = object as unknown as { lexicalIndex: unknown; maxLexicalChars: number };
      instance.maxLexicalChars = (copied ?? 0) - 1;
      instance.lexicalIndex = null;
      return copied;
    });
    expect(chars).toBeGreaterThan(0);
    expect(await stub.lexical(ws, { entities: "London", limit: 5 })).toBeNull();
    // The copy is measured once: later look-ups of the same copy go to D1 without a full scan.
    const measured = await runInDurableObject(stub, (object) => {
      const instance = object as unknown as { tooLargeFrom: number | null; state: (key: string) => number };
      return instance.tooLargeFrom === instance.state("built_from");
    });
    expect(measured).toBe(true);
    expect(await stub.lexical(ws, { entities: "London", limit: 5 })).toBeNull();
  });
});

describe("graph index: the copy in memory", () => {
  const NAMES = ["Ada", "Babbage", "London", "Zoë", "acme", "Éire", "東京", "a b", "Z"];
  const entityArb = fc.record({
    name: fc.constantFrom(...NAMES),
    entityType: fc.constantFrom("person", "place"),
    description: fc.string({ maxLength: 30 }),
    sourceId: fc.constantFrom("c1", "c1<SEP>c2", ""),
    filePath: fc.constantFrom("a.md", "a.md<SEP>b.md"),
    createdAt: fc.integer({ min: 0, max: 2e9 }),
    lineTokens: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
  });
  const relationArb = fc
    .record({
      ends: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 2 }),
      keywords: fc.string({ maxLength: 10 }),
      description: fc.string({ maxLength: 30 }),
      // Summed as merges sum extracted weights (0.8 + 0.9 is 1.7000000000000002).
      weight: fc
        .array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 })
        .map((parts) => parts.reduce((sum, part) => sum + part / 10, 0)),
      sourceId: fc.constantFrom("c1", "c2<SEP>c3"),
      filePath: fc.constantFrom("a.md", "b.md"),
      createdAt: fc.integer({ min: 0, max: 2e9 }),
      lineTokens: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
    })
    .map(({ ends, ...rest }) => {
      const [a, b = a] = [...ends].sort() as [string, string?];
      return { src: a, tgt: b ?? a, ...rest };
    });
  // Ids as queries send them: known and unknown, repeated, or the half left out.
  const idsArb = fc.option(
    fc.array(fc.oneof(fc.constantFrom(...NAMES), fc.constant("Nobody")), { maxLength: 8 }),
    { nil: undefined },
  );

  it("loads the copy into memory in the rebuild once look-ups were asked, and only while it fits", async () => {
    const ws = "gi_memory_prebuilt";
    await seedCorpus(ws);
    const stub = graphIndexOf(env.GRAPH_INDEX, ws);
    const inMemory = () =>
      runInDurableObject(
        stub,
        (object) => (object as unknown as { memoryGraph: unknown }).memoryGraph !== null,
      );
    expect(await stub.rebuild(ws)).toBe(true);
    expect(await inMemory()).toBe(false);
    expect(await stub.lookup(ws, REQUEST)).not.toBeNull();
    expect(await inMemory()).toBe(true);
    await stub.invalidate();
    // Stale: no answer, and the copy in memory is not used.
    expect(await stub.lookup(ws, REQUEST)).toBeNull();
    expect(await stub.rebuild(ws)).toBe(true);
    expect(await inMemory()).toBe(true);
    // Over the budget (lowered below this copy's size): the statement answers, the same.
    const expected = await stub.lookup(ws, REQUEST);
    await runInDurableObject(stub, (object) => {
      const instance = object as unknown as { maxGraphChars: number; memoryGraph: unknown };
      instance.maxGraphChars = 0;
      instance.memoryGraph = null;
    });
    expect(await stub.lookup(ws, REQUEST)).toEqual(expected);
    expect(await inMemory()).toBe(false);
  });

  it("answers every look-up as the shared statement does over the same rows, in D1 and in the copy's SQLite", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(entityArb, { selector: (e) => e.name, maxLength: NAMES.length }),
        fc.uniqueArray(relationArb, { selector: (r) => `${r.src}\u0000${r.tgt}`, maxLength: 14 }),
        fc.array(fc.tuple(idsArb, fc.option(fc.array(fc.nat(20), { maxLength: 8 }), { nil: undefined })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (entities, relations, requests) => {
          const ws = `gi_memory_${run++}`;
          const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), () =>
            Promise.resolve(),
          );
          await stores.graph.write(ws, {
            upsertEntities: entities,
            deleteEntities: [],
            upsertRelations: relations,
            deleteRelations: [],
          });
          const stub = graphIndexOf(env.GRAPH_INDEX, ws);
          expect(await stub.rebuild(ws)).toBe(true);
          const d1 = new D1GraphSearchStore(env.DB);
          for (const [names, relationPicks] of requests) {
            const request: GraphLookup = {
              ...(names && { entityVectorIds: names.map(entityVectorId) }),
              ...(relationPicks && {
                relationVectorIds: relationPicks.map((i) => {
                  const relation = relations[i % Math.max(relations.length, 1)];
                  return relation ? relationVectorId(relation.src, relation.tgt) : "rel-unknown";
                }),
              }),
            };
            if ((request.entityVectorIds?.length ?? 0) + (request.relationVectorIds?.length ?? 0) === 0)
              continue;
            const expected = await d1.lookup(ws, request);
            expect(await stub.lookup(ws, request)).toEqual(expected);
            // The same copy over the in-memory budget: the shared statement on the object's SQLite.
            const bySql = await runInDurableObject(stub, async (object) => {
              const instance = object as unknown as {
                maxGraphChars: number;
                memoryGraph: unknown;
                graphTooLargeFrom: number | null;
              };
              const budget = instance.maxGraphChars;
              instance.maxGraphChars = -1;
              instance.memoryGraph = null;
              const found = await (object as GraphIndex).lookup(ws, request);
              expect(instance.memoryGraph).toBeNull();
              instance.maxGraphChars = budget;
              instance.graphTooLargeFrom = null;
              return found;
            });
            expect(bySql).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
