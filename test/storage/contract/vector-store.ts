/**
 * Contract every VectorStore adapter must meet; run it against each adapter with its own factory.
 * Reads after writes wait for `settle()` first: Vectorize applies mutations asynchronously, and
 * the local index, whose writes are read-your-writes, has no settle (a no-op here).
 */
import { describe, expect, it } from "vitest";
import type { VectorStore } from "../../../src/storage/vectors";

const vec = (...values: number[]) => Float32Array.from(values);
let counter = 0;
const freshWorkspace = () => `vc_${Date.now()}_${counter++}`;
const settle = async (store: VectorStore) => await store.settle?.();

export function describeVectorStoreContract(name: string, makeStore: () => VectorStore): void {
  describe(`VectorStore contract: ${name}`, () => {
    it("returns exact cosine top-k, best first, above the threshold", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "entities", [
        { id: "a", vector: vec(1, 0, 0) },
        { id: "b", vector: vec(0.9, 0.1, 0) },
        { id: "c", vector: vec(0, 1, 0) },
        { id: "d", vector: vec(-1, 0, 0) },
      ]);
      await settle(store);
      const matches = await store.query(ws, "entities", vec(2, 0, 0), { topK: 3, threshold: 0.2 });
      expect(matches.map((m) => m.id)).toEqual(["a", "b"]);
      expect(matches[0]?.score).toBeCloseTo(1, 5);
      expect(matches[1]?.score).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 5);
      const all = await store.query(ws, "entities", vec(1, 0, 0), { topK: 10 });
      expect(all.map((m) => m.id)).toEqual(["a", "b", "c", "d"]);
      expect((await store.query(ws, "entities", vec(1, 0, 0), { topK: 1 })).map((m) => m.id)).toEqual(["a"]);
    });

    // The engine keeps a prefix of these lists under token budgets, so the order of equal scores
    // decides what an answer holds: every backend must give ties in the same (id) order.
    it("orders equal scores by id", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      const ids = ["t5", "t4", "t3", "t2", "t1", "t0"];
      // Each vector at the same angle to the probe (one shared axis and one of its own, so the
      // scores are equal to the last bit), inserted in descending id order.
      const axes = (i: number) =>
        Float32Array.from({ length: 7 }, (_, j) => (j === 0 || j === i + 1 ? 1 : 0));
      await store.upsert(
        ws,
        "entities",
        ids.map((id, i) => ({ id, vector: axes(i) })),
      );
      await settle(store);
      const matches = await store.query(ws, "entities", vec(1, 0, 0, 0, 0, 0, 0), { topK: 10 });
      expect(new Set(matches.map((m) => m.score)).size).toBe(1);
      expect(matches.map((m) => m.id)).toEqual([...ids].sort());
    });

    it("replaces by id, deletes, counts and lists", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "chunks", [
        { id: "x", vector: vec(1, 0) },
        { id: "y", vector: vec(0, 1) },
      ]);
      await store.upsert(ws, "chunks", [{ id: "x", vector: vec(0, 3) }]);
      await settle(store);
      expect(await store.count(ws, "chunks")).toBe(2);
      const top = await store.query(ws, "chunks", vec(0, 1), { topK: 2 });
      expect(top[0]?.score).toBeCloseTo(1, 5);
      expect(top[1]?.score).toBeCloseTo(1, 5);
      await store.delete(ws, "chunks", ["y", "missing"]);
      await settle(store);
      expect(await store.ids(ws, "chunks")).toEqual(["x"]);
      const got = await store.get(ws, "chunks", ["x", "missing"]);
      expect(got).toHaveLength(1);
      expect(Array.from(got[0]?.vector ?? [])).toEqual([0, 1]);
      await store.clear(ws, "chunks");
      await settle(store);
      expect(await store.count(ws, "chunks")).toBe(0);
      expect(await store.query(ws, "chunks", vec(0, 1), { topK: 2 })).toEqual([]);
    });

    it("keeps workspaces and namespaces apart", async () => {
      const store = makeStore();
      const one = freshWorkspace();
      const two = freshWorkspace();
      await store.upsert(one, "entities", [{ id: "e", vector: vec(1, 0) }]);
      await store.upsert(one, "relations", [{ id: "r", vector: vec(1, 0) }]);
      await store.upsert(two, "entities", [{ id: "f", vector: vec(1, 0) }]);
      await settle(store);
      expect(await store.ids(one, "entities")).toEqual(["e"]);
      expect(await store.ids(one, "relations")).toEqual(["r"]);
      expect(await store.ids(two, "entities")).toEqual(["f"]);
      expect(await store.ids(two, "chunks")).toEqual([]);
    });

    it("refuses vectors of another dimension", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "entities", [{ id: "a", vector: vec(1, 0, 0) }]);
      await settle(store);
      await expect(store.upsert(ws, "entities", [{ id: "b", vector: vec(1, 0) }])).rejects.toThrow(
        /dimension/,
      );
      expect(await store.count(ws, "entities")).toBe(1);
    });

    it("scores a candidate set by cosine similarity without returning vectors", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "chunks", [
        { id: "a", vector: vec(3, 0, 0) },
        { id: "b", vector: vec(1, 1, 0) },
        { id: "c", vector: vec(0, 0, 5) },
      ]);
      await settle(store);
      // Aligned with the ids asked, repeats included; NaN where there is no vector.
      const scores = await store.score(ws, "chunks", ["b", "missing", "c", "a", "b"], vec(2, 0, 0));
      expect(scores).toBeInstanceOf(Float64Array);
      expect(scores).toHaveLength(5);
      expect(scores[0]).toBeCloseTo(Math.SQRT1_2, 5);
      expect(scores[1]).toBeNaN();
      expect(scores[2]).toBeCloseTo(0, 5);
      expect(scores[3]).toBeCloseTo(1, 5);
      expect(scores[4]).toBeCloseTo(Math.SQRT1_2, 5);
      expect(await store.score(ws, "chunks", [], vec(2, 0, 0))).toHaveLength(0);
      expect(Array.from(await store.score(freshWorkspace(), "chunks", ["a"], vec(2, 0, 0)))).toEqual([
        Number.NaN,
      ]);
    });

    it("matches a brute-force cosine ranking over many vectors, through deletes and re-inserts", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      let seed = 7;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648 - 0.5;
      };
      // 600 rows outgrow the index's first allocation; 37 dimensions are not a multiple of 4 lanes.
      const items = Array.from({ length: 600 }, (_, i) => ({
        id: `v${i}`,
        vector: Float32Array.from({ length: 37 }, random),
      }));
      await store.upsert(ws, "entities", items);
      const removed = new Set(items.filter((_, i) => i % 3 === 0).map((item) => item.id));
      await store.delete(ws, "entities", [...removed]);
      await store.upsert(ws, "entities", [{ id: "v1", vector: items[2]?.vector as Float32Array }]);
      await settle(store);
      const expected = new Map(
        items.filter((item) => !removed.has(item.id)).map((item) => [item.id, item.vector]),
      );
      expected.set("v1", items[2]?.vector as Float32Array<ArrayBuffer>);
      const query = Float32Array.from({ length: 37 }, random);
      const cosine = (a: Float32Array, b: Float32Array) => {
        let dotAB = 0;
        let aa = 0;
        let bb = 0;
        for (let i = 0; i < a.length; i++) {
          dotAB += (a[i] as number) * (b[i] as number);
          aa += (a[i] as number) ** 2;
          bb += (b[i] as number) ** 2;
        }
        return dotAB / Math.sqrt(aa * bb);
      };
      const ranked = [...expected]
        .map(([id, vector]) => ({ id, score: cosine(query, vector) }))
        .sort((x, y) => y.score - x.score);
      const top = await store.query(ws, "entities", query, { topK: 25 });
      expect(top.map((m) => m.id)).toEqual(ranked.slice(0, 25).map((m) => m.id));
      for (const [i, match] of top.entries()) expect(match.score).toBeCloseTo(ranked[i]?.score as number, 4);
      expect(await store.count(ws, "entities")).toBe(expected.size);
      const [v1] = await store.get(ws, "entities", ["v1"]);
      expect(cosine(v1?.vector as Float32Array, items[2]?.vector as Float32Array)).toBeCloseTo(1, 5);
    });

    it("takes another dimension after a clear", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "chunks", [{ id: "a", vector: vec(1, 2, 3, 4, 5) }]);
      await settle(store);
      await store.clear(ws, "chunks");
      await settle(store);
      await store.upsert(ws, "chunks", [
        { id: "b", vector: vec(0, 1) },
        { id: "c", vector: vec(1, 0) },
      ]);
      await settle(store);
      expect((await store.query(ws, "chunks", vec(0, 2), { topK: 1 }))[0]).toMatchObject({ id: "b" });
    });

    it("keeps a payload beside each vector, replaced with it and gone with it", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "chunks", [
        { id: "a", vector: vec(1, 0), payload: '{"content":"alpha"}' },
        { id: "b", vector: vec(0, 1) },
        { id: "c", vector: vec(1, 1), payload: "gamma" },
      ]);
      await settle(store);
      const payloads = await store.payloads(ws, "chunks", ["a", "b", "c", "missing"]);
      expect(payloads.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
        { id: "a", payload: '{"content":"alpha"}' },
        { id: "c", payload: "gamma" },
      ]);
      const got = await store.get(ws, "chunks", ["a", "b"]);
      expect(got.map((item) => item.payload)).toEqual(['{"content":"alpha"}', undefined]);
      // A vector written again without a payload must not keep a stale one.
      await store.upsert(ws, "chunks", [{ id: "c", vector: vec(1, 2) }]);
      await store.delete(ws, "chunks", ["a"]);
      await settle(store);
      expect(await store.payloads(ws, "chunks", ["a", "c"])).toEqual([]);
      expect(await store.payloads(ws, "chunks", [])).toEqual([]);
      expect(await store.payloads(freshWorkspace(), "chunks", ["a"])).toEqual([]);
    });
  });
}
