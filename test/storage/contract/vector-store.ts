/** Contract every VectorStore adapter must meet; run it against each adapter with its own factory. */
import { describe, expect, it } from "vitest";
import type { VectorStore } from "../../../src/storage/vectors";

const vec = (...values: number[]) => Float32Array.from(values);
let counter = 0;
const freshWorkspace = () => `vc_${Date.now()}_${counter++}`;

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
      const matches = await store.query(ws, "entities", vec(2, 0, 0), { topK: 3, threshold: 0.2 });
      expect(matches.map((m) => m.id)).toEqual(["a", "b"]);
      expect(matches[0]?.score).toBeCloseTo(1, 5);
      expect(matches[1]?.score).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 5);
      const all = await store.query(ws, "entities", vec(1, 0, 0), { topK: 10 });
      expect(all.map((m) => m.id)).toEqual(["a", "b", "c", "d"]);
      expect((await store.query(ws, "entities", vec(1, 0, 0), { topK: 1 })).map((m) => m.id)).toEqual(["a"]);
    });

    it("replaces by id, deletes, counts and lists", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "chunks", [
        { id: "x", vector: vec(1, 0) },
        { id: "y", vector: vec(0, 1) },
      ]);
      await store.upsert(ws, "chunks", [{ id: "x", vector: vec(0, 3) }]);
      expect(await store.count(ws, "chunks")).toBe(2);
      const top = await store.query(ws, "chunks", vec(0, 1), { topK: 2 });
      expect(top[0]?.score).toBeCloseTo(1, 5);
      expect(top[1]?.score).toBeCloseTo(1, 5);
      await store.delete(ws, "chunks", ["y", "missing"]);
      expect(await store.ids(ws, "chunks")).toEqual(["x"]);
      const got = await store.get(ws, "chunks", ["x", "missing"]);
      expect(got).toHaveLength(1);
      expect(Array.from(got[0]?.vector ?? [])).toEqual([0, 1]);
      await store.clear(ws, "chunks");
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
      expect(await store.ids(one, "entities")).toEqual(["e"]);
      expect(await store.ids(one, "relations")).toEqual(["r"]);
      expect(await store.ids(two, "entities")).toEqual(["f"]);
      expect(await store.ids(two, "chunks")).toEqual([]);
    });

    it("refuses vectors of another dimension", async () => {
      const store = makeStore();
      const ws = freshWorkspace();
      await store.upsert(ws, "entities", [{ id: "a", vector: vec(1, 0, 0) }]);
      await expect(store.upsert(ws, "entities", [{ id: "b", vector: vec(1, 0) }])).rejects.toThrow(
        /dimension/,
      );
      expect(await store.count(ws, "entities")).toBe(1);
    });
  });
}
