/** The D1 graph look-up of the query side: local and global halves, alone or in one batch. */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { splitSources } from "../../src/storage/graph";
import { entityVectorId, relationVectorId } from "../../src/storage/vector-ids";
import { seedCorpus } from "../query/corpus";

const WS = "graph_lookup";

beforeAll(async () => {
  await seedCorpus(WS);
}, 60_000);

describe("D1GraphSearchStore.lookup", () => {
  it("finds entities ranked by degree with every edge ranked by edge degree, sources numbered", async () => {
    const { local, global, chunkIds } = await new D1GraphSearchStore(env.DB).lookup(WS, {
      entityVectorIds: [entityVectorId("Babbage Labs"), "ent-unknown", entityVectorId("Paris")],
    });
    expect(global).toBeUndefined();
    expect(local?.entities.map((e) => [e.name, e.rank])).toEqual([
      ["Babbage Labs", 2],
      ["Paris", 0],
    ]);
    // Degrees: Acme Corporation 3, Babbage Labs 2, Charles Babbage 1.
    expect(local?.relations.map((r) => [`${r.src}|${r.tgt}`, r.rank])).toEqual([
      ["Acme Corporation|Babbage Labs", 5],
      ["Babbage Labs|Charles Babbage", 3],
    ]);
    // Every hit's sources are its source_id's chunks, numbered in the order first cited.
    const hits = [...(local?.entities ?? []), ...(local?.relations ?? [])];
    for (const hit of hits)
      expect(hit.sources?.map((slot) => chunkIds[slot])).toEqual(splitSources(hit.sourceId));
    expect(chunkIds).toEqual([...new Set(hits.flatMap((hit) => splitSources(hit.sourceId)))]);
  });

  it("finds relations in vector order with their endpoints", async () => {
    const { local, global } = await new D1GraphSearchStore(env.DB).lookup(WS, {
      relationVectorIds: [
        relationVectorId("Babbage Labs", "Charles Babbage"),
        relationVectorId("Acme Corporation", "London"),
      ],
    });
    expect(local).toBeUndefined();
    expect(global?.relations.map((r) => r.tgt)).toEqual(["Charles Babbage", "London"]);
    expect(global?.entities.map((e) => e.name).sort()).toEqual([
      "Acme Corporation",
      "Babbage Labs",
      "Charles Babbage",
      "London",
    ]);
    expect(global?.entities.find((e) => e.name === "Acme Corporation")?.rank).toBe(3);
  });

  it("answers both halves with a single D1 statement", async () => {
    const prepare = vi.spyOn(env.DB, "prepare");
    const batch = vi.spyOn(env.DB, "batch");
    try {
      const { local, global } = await new D1GraphSearchStore(env.DB).lookup(WS, {
        entityVectorIds: [entityVectorId("London")],
        relationVectorIds: [relationVectorId("Acme Corporation", "Ada Lovelace")],
      });
      expect(prepare).toHaveBeenCalledTimes(1);
      expect(batch).not.toHaveBeenCalled();
      expect(local?.relations.map((r) => r.src)).toEqual(["Acme Corporation"]);
      expect(global?.entities.map((e) => e.name).sort()).toEqual(["Acme Corporation", "Ada Lovelace"]);
      expect(global?.relations[0]).toMatchObject({ weight: 2, keywords: "founding, leadership" });
    } finally {
      prepare.mockRestore();
      batch.mockRestore();
    }
  });

  it("numbers each entity and each pair once across both halves (`key`)", async () => {
    const { local, global } = await new D1GraphSearchStore(env.DB).lookup(WS, {
      entityVectorIds: [entityVectorId("Acme Corporation"), entityVectorId("London")],
      relationVectorIds: [relationVectorId("Acme Corporation", "London")],
    });
    const hits = [...(local?.entities ?? []), ...(local?.relations ?? []), ...(global?.relations ?? [])];
    const all = [...hits, ...(global?.entities ?? [])];
    const identity = (hit: (typeof all)[number]) => ("src" in hit ? `${hit.src}|${hit.tgt}` : hit.name);
    const keyOf = new Map<string, number | undefined>();
    for (const hit of all) {
      expect(hit.key).toBeTypeOf("number");
      if (keyOf.has(identity(hit))) expect(hit.key).toBe(keyOf.get(identity(hit)));
      else keyOf.set(identity(hit), hit.key);
    }
    // Both halves hold Acme Corporation and London, and the pair between them.
    expect(global?.entities.map((e) => e.name).sort()).toEqual(["Acme Corporation", "London"]);
    expect(new Set(keyOf.values()).size).toBe(keyOf.size);
    expect([...keyOf.values()].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      [...keyOf.keys()].map((_, i) => i),
    );
  });

  it("reads nothing for empty id lists, and keeps workspaces apart", async () => {
    const prepare = vi.spyOn(env.DB, "prepare");
    try {
      const empty = await new D1GraphSearchStore(env.DB).lookup(WS, {
        entityVectorIds: [],
        relationVectorIds: [],
      });
      expect(prepare).not.toHaveBeenCalled();
      expect(empty.local?.entities).toEqual([]);
      expect(empty.global?.relations).toEqual([]);
    } finally {
      prepare.mockRestore();
    }
    const other = await new D1GraphSearchStore(env.DB).lookup("graph_lookup_other", {
      entityVectorIds: [entityVectorId("London")],
      relationVectorIds: [relationVectorId("Acme Corporation", "London")],
    });
    expect(other.local?.entities).toEqual([]);
    expect(other.global?.relations).toEqual([]);
  });
});
