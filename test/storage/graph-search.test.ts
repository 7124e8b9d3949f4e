/** The D1 graph look-up of the query side: local and global halves, alone or in one batch. */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { entityVectorId, relationVectorId } from "../../src/storage/vector-ids";
import { seedCorpus } from "../query/corpus";

const WS = "graph_lookup";

beforeAll(async () => {
  await seedCorpus(WS);
}, 60_000);

describe("D1GraphSearchStore.lookup", () => {
  it("finds entities with every edge and the degrees of all endpoints", async () => {
    const { local, global } = await new D1GraphSearchStore(env.DB).lookup(WS, {
      entityVectorIds: [entityVectorId("Babbage Labs"), "ent-unknown", entityVectorId("Paris")],
    });
    expect(global).toBeUndefined();
    expect(local?.entities.map((e) => e.name)).toEqual(["Babbage Labs", "Paris"]);
    expect(local?.edges.map((r) => `${r.src}|${r.tgt}`).sort()).toEqual([
      "Acme Corporation|Babbage Labs",
      "Babbage Labs|Charles Babbage",
    ]);
    expect(Object.fromEntries(local?.degrees ?? [])).toEqual({
      "Babbage Labs": 2,
      Paris: 0,
      "Acme Corporation": 3,
      "Charles Babbage": 1,
    });
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
    expect(global?.degrees.get("Acme Corporation")).toBe(3);
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
      expect(local?.edges.map((r) => r.src)).toEqual(["Acme Corporation"]);
      expect(global?.entities.map((e) => e.name).sort()).toEqual(["Acme Corporation", "Ada Lovelace"]);
      expect(global?.relations[0]).toMatchObject({ weight: 2, keywords: "founding, leadership" });
    } finally {
      prepare.mockRestore();
      batch.mockRestore();
    }
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
