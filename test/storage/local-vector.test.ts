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
