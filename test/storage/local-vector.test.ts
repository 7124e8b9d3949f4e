import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import type { VectorIndex } from "../../src/storage/local-vector/vector-index";
import { describeVectorStoreContract } from "./contract/vector-store";

describeVectorStoreContract("local Durable Object index", () => new LocalVectorStore(env.VECTOR_INDEX));

describe("local vector index", () => {
  it("persists vectors in its SQLite storage and reloads them", async () => {
    const store = new LocalVectorStore(env.VECTOR_INDEX);
    await store.upsert("persist_ws", "chunks", [{ id: "k", vector: Float32Array.from([3, 4]) }]);
    const stub = env.VECTOR_INDEX.get(env.VECTOR_INDEX.idFromName("persist_ws:chunks"));
    const rows = await runInDurableObject(stub, async (instance: VectorIndex, state) => {
      // Drop the in-memory copy to prove the next call reads storage.
      (instance as unknown as { vectors: unknown }).vectors = null;
      return state.storage.sql.exec("SELECT id FROM vectors").toArray();
    });
    expect(rows).toEqual([{ id: "k" }]);
    const [match] = await store.query("persist_ws", "chunks", Float32Array.from([3, 4]), { topK: 1 });
    expect(match).toMatchObject({ id: "k" });
    expect(match?.score).toBeCloseTo(1, 5);
  });
});

describe("local vector index answers aligned with the ids asked", () => {
  it("scores as a Float64Array in the order asked, NaN for an unknown id; payloads likewise, null where none", async () => {
    const store = new LocalVectorStore(env.VECTOR_INDEX);
    await store.upsert("aligned_ws", "chunks", [
      { id: "a", vector: Float32Array.from([1, 0]), payload: "pa" },
      { id: "b", vector: Float32Array.from([0, 1]) },
    ]);
    const index = env.VECTOR_INDEX.get(env.VECTOR_INDEX.idFromName("aligned_ws:chunks"));
    const scores = await index.score(["b", "missing", "a", "b"], Float32Array.from([1, 0]));
    expect(scores).toBeInstanceOf(Float64Array);
    expect(
      Array.from(scores).map((score) => (Number.isNaN(score) ? "NaN" : Number(score.toFixed(5)))),
    ).toEqual([0, "NaN", 1, 0]);
    expect(await index.payloads(["b", "missing", "a", "a"])).toEqual([null, null, "pa", "pa"]);
    // The adapter hands the aligned scores on; payloads come back with the caller's own ids.
    const fromStore = await store.score("aligned_ws", "chunks", ["missing", "a"], Float32Array.from([1, 0]));
    expect(fromStore[0]).toBeNaN();
    expect(fromStore[1]).toBeCloseTo(1, 5);
    expect(await store.payloads("aligned_ws", "chunks", ["b", "a", "missing"])).toEqual([
      { id: "a", payload: "pa" },
    ]);
  });

  it("scores every id as unknown in an empty index", async () => {
    const index = env.VECTOR_INDEX.get(env.VECTOR_INDEX.idFromName("aligned_empty:chunks"));
    expect(Array.from(await index.score(["x", "y"], Float32Array.from([1, 0])))).toEqual([
      Number.NaN,
      Number.NaN,
    ]);
  });
});

describe("local vector index upgrades", () => {
  it("adds the payload column to an index stored before payloads existed", async () => {
    const stub = env.VECTOR_INDEX.get(env.VECTOR_INDEX.idFromName("legacy_ws:chunks"));
    await runInDurableObject(stub, async (_instance: VectorIndex, state) => {
      state.storage.sql.exec("CREATE TABLE vectors (id TEXT PRIMARY KEY, v BLOB NOT NULL)");
      state.storage.sql.exec(
        "INSERT INTO vectors (id, v) VALUES (?, ?)",
        "old",
        Float32Array.from([1, 0]).buffer,
      );
    });
    const store = new LocalVectorStore(env.VECTOR_INDEX);
    expect((await store.query("legacy_ws", "chunks", Float32Array.from([1, 0]), { topK: 1 }))[0]?.id).toBe(
      "old",
    );
    expect(await store.payloads("legacy_ws", "chunks", ["old"])).toEqual([]);
    await store.upsert("legacy_ws", "chunks", [
      { id: "new", vector: Float32Array.from([0, 1]), payload: "p" },
    ]);
    expect(await store.payloads("legacy_ws", "chunks", ["old", "new"])).toEqual([
      { id: "new", payload: "p" },
    ]);
  });
});

describe("local vector index reload", () => {
  it("reloads a stored index of many vectors in one allocation, with the same answers", async () => {
    const store = new LocalVectorStore(env.VECTOR_INDEX);
    const items = Array.from({ length: 700 }, (_, i) => ({
      id: `r${i}`,
      vector: Float32Array.from({ length: 6 }, (_, j) => Math.sin(i * 7 + j)),
    }));
    await store.upsert("reload_ws", "entities", items);
    const query = Float32Array.from([0.3, -0.2, 0.9, 0.1, 0, -0.5]);
    const before = await store.query("reload_ws", "entities", query, { topK: 15 });
    const stub = env.VECTOR_INDEX.get(env.VECTOR_INDEX.idFromName("reload_ws:entities"));
    await runInDurableObject(stub, async (instance: VectorIndex) => {
      (instance as unknown as { vectors: unknown }).vectors = null;
    });
    expect(await store.query("reload_ws", "entities", query, { topK: 15 })).toEqual(before);
    expect(await store.count("reload_ws", "entities")).toBe(700);
    const capacity = await runInDurableObject(stub, async (instance: VectorIndex) => {
      const matrix = (instance as unknown as { vectors: { capacity: number } }).vectors;
      return matrix.capacity;
    });
    expect(capacity).toBe(700);
  });
});

describe("local vector index ties", () => {
  it("breaks equal scores by id, whatever order the rows were written and deleted in", async () => {
    // A soaked workspace and a fresh one hold the same vectors in different row orders
    // (a deletion moves the last row into the hole): top-k must not depend on that.
    const store = new LocalVectorStore(env.VECTOR_INDEX);
    const same = Float32Array.from([1, 1, 0]);
    const ids = ["t5", "t1", "t9", "t3", "t7", "t2"];
    await store.upsert(
      "ties_a",
      "chunks",
      ids.map((id) => ({ id, vector: same })),
    );
    await store.upsert("ties_a", "chunks", [{ id: "gone", vector: same }]);
    await store.delete("ties_a", "chunks", ["t5", "gone"]);
    await store.upsert("ties_a", "chunks", [{ id: "t5", vector: same }]);
    await store.upsert(
      "ties_b",
      "chunks",
      [...ids].sort().map((id) => ({ id, vector: same })),
    );
    const top = (ws: string) =>
      store.query(ws, "chunks", Float32Array.from([1, 1, 0]), { topK: 4 }).then((m) => m.map((x) => x.id));
    expect(await top("ties_a")).toEqual(["t1", "t2", "t3", "t5"]);
    expect(await top("ties_b")).toEqual(["t1", "t2", "t3", "t5"]);
  });
});
