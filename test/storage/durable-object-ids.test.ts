/** Durable Object ids are hashed once per isolate and name, per namespace. */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { durableObjectId } from "../../src/storage/durable-object-ids";

describe("durableObjectId", () => {
  it("hashes a name once, and gives the id idFromName gives", () => {
    const hash = vi.spyOn(env.VECTOR_INDEX, "idFromName");
    const first = durableObjectId(env.VECTOR_INDEX, "ids_once:chunks");
    const again = durableObjectId(env.VECTOR_INDEX, "ids_once:chunks");
    expect(hash).toHaveBeenCalledTimes(1);
    expect(again).toBe(first);
    hash.mockRestore();
    expect(first.equals(env.VECTOR_INDEX.idFromName("ids_once:chunks"))).toBe(true);
    expect(durableObjectId(env.VECTOR_INDEX, "ids_other:chunks").equals(first)).toBe(false);
  });

  it("keeps each namespace apart: one name, one id per class", () => {
    const vectors = durableObjectId(env.VECTOR_INDEX, "ids_shared");
    const graph = durableObjectId(env.GRAPH_INDEX, "ids_shared");
    expect(graph.equals(env.GRAPH_INDEX.idFromName("ids_shared"))).toBe(true);
    expect(vectors.equals(env.VECTOR_INDEX.idFromName("ids_shared"))).toBe(true);
  });

  it("reaches the same object through a kept id in a later call", async () => {
    const id = durableObjectId(env.VECTOR_INDEX, "ids_reach:chunks");
    await env.VECTOR_INDEX.get(id).upsert([{ id: "v1", vector: Float32Array.from([1, 0]) }]);
    expect(await env.VECTOR_INDEX.get(durableObjectId(env.VECTOR_INDEX, "ids_reach:chunks")).count()).toBe(1);
  });
});
