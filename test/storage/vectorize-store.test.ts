import { describe, expect, it, vi } from "vitest";
import { chunkRows } from "../../src/rag/query/chunk-rows";
import type { QueryDeps } from "../../src/rag/query/types";
import type { ChunkRecord } from "../../src/storage/chunks";
import { VECTORIZE_LIMITS } from "../../src/storage/vectorize/limits";
import { VectorizeVectorStore } from "../../src/storage/vectorize/store";
import { fakeVectorizeIndexes } from "../fakes/vectorize";
import { describeVectorStoreContract } from "./contract/vector-store";

// A delay on every mutation: the contract must hold without read-your-writes.
describeVectorStoreContract("Vectorize (in-repo fake, 5 ms visibility delay)", () => {
  const { indexes } = fakeVectorizeIndexes({ dimensions: 64, delayMs: 5 });
  return new VectorizeVectorStore(indexes, { pollMs: 1, settleTimeoutMs: 5_000 });
});

const vec = (...values: number[]) => Float32Array.from(values);

/** A fake deployment on a hand-moved clock: mutations show only when the test says so. */
function manual(delayMs = 1_000) {
  let clock = 1_000_000;
  const deployment = fakeVectorizeIndexes({ dimensions: 8, delayMs, now: () => clock });
  const store = new VectorizeVectorStore(deployment.indexes, { pollMs: 1, settleTimeoutMs: 200 });
  return { ...deployment, store, advance: (ms: number) => (clock += ms) };
}

describe("Vectorize adapter", () => {
  it("does not read its own writes: a query sees an upsert only once its mutation is applied", async () => {
    const { store, fakes, advance } = manual();
    await store.upsert("ws", "chunks", [{ id: "a", vector: vec(1, 0) }]);
    expect(store.lastMutation("chunks")).toMatch(/^[0-9a-f-]{36}$/);
    expect(fakes.chunks.pendingCount).toBe(1);
    expect(await store.query("ws", "chunks", vec(1, 0), { topK: 5 })).toEqual([]);
    expect(await store.count("ws", "chunks")).toBe(0);
    await expect(store.settle()).rejects.toThrow(/not applied after 200 ms/);
    advance(1_000);
    await store.settle();
    expect(store.lastMutation("chunks")).toBeNull();
    expect((await store.query("ws", "chunks", vec(1, 0), { topK: 5 })).map((m) => m.id)).toEqual(["a"]);
  });

  it("stores ids longer than 64 bytes under a hash and gives the original back", async () => {
    const { store, fakes } = manual(0);
    const long = `doc-${"é".repeat(40)}-chunk-0001`;
    await store.upsert("ws", "chunks", [
      { id: long, vector: vec(1, 0), payload: "p" },
      { id: "short", vector: vec(0, 1) },
    ]);
    await store.settle();
    const stored = await fakes.chunks.list({ count: 10 });
    for (const id of stored.ids) expect(new TextEncoder().encode(id).byteLength).toBeLessThanOrEqual(64);
    expect((await store.ids("ws", "chunks")).sort()).toEqual([long, "short"].sort());
    expect((await store.query("ws", "chunks", vec(1, 0), { topK: 1 }))[0]?.id).toBe(long);
    expect(await store.payloads("ws", "chunks", [long])).toEqual([{ id: long, payload: "p" }]);
    await store.delete("ws", "chunks", [long]);
    await store.settle();
    expect(await store.ids("ws", "chunks")).toEqual(["short"]);
  });

  it("keeps the same id apart in two workspaces (Vectorize ids are unique per index, not namespace)", async () => {
    const { store } = manual(0);
    await store.upsert("one", "entities", [{ id: "ent-x", vector: vec(1, 0), payload: "one" }]);
    await store.upsert("two", "entities", [{ id: "ent-x", vector: vec(0, 1), payload: "two" }]);
    await store.settle();
    expect(await store.payloads("one", "entities", ["ent-x"])).toEqual([{ id: "ent-x", payload: "one" }]);
    expect(await store.payloads("two", "entities", ["ent-x"])).toEqual([{ id: "ent-x", payload: "two" }]);
    await store.clear("one", "entities");
    await store.settle();
    expect(await store.count("one", "entities")).toBe(0);
    expect(await store.count("two", "entities")).toBe(1);
  });

  it("leaves a payload past 10 KiB of metadata out of the index, and the query reads the chunk table", async () => {
    const { store } = manual(0);
    const big = "x".repeat(VECTORIZE_LIMITS.metadataBytes);
    await store.upsert("ws", "chunks", [
      { id: "big", vector: vec(1, 0), payload: big },
      { id: "small", vector: vec(0, 1), payload: '{"id":"small"}' },
    ]);
    await store.settle();
    expect(await store.count("ws", "chunks")).toBe(2);
    expect((await store.payloads("ws", "chunks", ["big", "small"])).map((p) => p.id)).toEqual(["small"]);
    const fromTable: ChunkRecord = { id: "big" } as ChunkRecord;
    const chunks = { get: vi.fn(async () => [fromTable]) };
    const rows = await chunkRows({ vectors: store, chunks } as unknown as QueryDeps, "ws", ["big"]);
    expect(rows).toEqual([fromTable]);
    expect(chunks.get).toHaveBeenCalledWith("ws", ["big"]);
  });

  it("sends upserts in batches of 1,000, getByIds in batches of 20 and clamps topK to 100", async () => {
    const { store, fakes } = manual(0);
    const upsert = vi.spyOn(fakes.entities, "upsert");
    const items = Array.from({ length: 2_345 }, (_, i) => ({
      id: `e${i}`,
      vector: vec(Math.cos(i), Math.sin(i)),
    }));
    await store.upsert("ws", "entities", items);
    expect(upsert.mock.calls.map(([batch]) => batch.length)).toEqual([1000, 1000, 345]);
    await store.settle();
    const query = vi.spyOn(fakes.entities, "query");
    const top = await store.query("ws", "entities", vec(1, 0), { topK: 500 });
    expect(top).toHaveLength(100);
    expect(query).toHaveBeenLastCalledWith(expect.any(Float32Array), expect.objectContaining({ topK: 100 }));
    const getByIds = vi.spyOn(fakes.entities, "getByIds");
    const scores = await store.score(
      "ws",
      "entities",
      items.slice(0, 45).map((item) => item.id),
      vec(1, 0),
    );
    expect(scores).toHaveLength(45);
    expect(getByIds.mock.calls.map(([ids]) => ids.length)).toEqual([20, 20, 5]);
    expect(await store.count("ws", "entities")).toBe(2_345);
    expect(fakes.entities.calls.list).toBeGreaterThanOrEqual(3);
  });

  it("names the namespace limit when an index refuses one more workspace", async () => {
    const deployment = fakeVectorizeIndexes({
      dimensions: 2,
      limits: { ...VECTORIZE_LIMITS, namespacesPerIndex: 2 },
    });
    const store = new VectorizeVectorStore(deployment.indexes);
    await store.upsert("a", "chunks", [{ id: "x", vector: vec(1, 0) }]);
    await store.upsert("b", "chunks", [{ id: "x", vector: vec(1, 0) }]);
    await expect(store.upsert("c", "chunks", [{ id: "x", vector: vec(1, 0) }])).rejects.toThrow(
      /cannot add namespace c \(at most 50000 per index\)/,
    );
  });

  it("refuses a vector wider than the index", async () => {
    const { store } = manual(0);
    await expect(store.upsert("ws", "chunks", [{ id: "a", vector: new Float32Array(9) }])).rejects.toThrow(
      /dimension 9 exceeds the Vectorize index's 8/,
    );
  });
});
