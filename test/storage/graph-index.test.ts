/**
 * The graph index Durable Object: a copy of a workspace's graph that answers look-ups exactly
 * as D1 does, stops answering after a write until rebuilt, and never trusts an overtaken rebuild.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
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
    expect(afterWrite.local?.edges.map((r) => r.tgt)).not.toContain("London");
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
