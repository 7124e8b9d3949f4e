/**
 * Related-chunk selection as LightRAG's `pick_by_vector_similarity` (VECTOR, the default) and
 * `pick_by_weighted_polling` (WEIGHT), against a vector port that scores from a fixed table.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  itemChunks,
  type NumberedSources,
  relatedChunks,
  weightedPolling,
} from "../../src/rag/query/related-chunks";
import type { QueryDeps } from "../../src/rag/query/types";

function depsScoring(scores: Record<string, number>, calls: string[][] = []): QueryDeps {
  const vectors = {
    score: async (_ws: string, _ns: string, ids: string[]): Promise<Float64Array> => {
      calls.push(ids);
      return Float64Array.from(ids, (id) => scores[id] ?? Number.NaN);
    },
  };
  return { vectors } as unknown as QueryDeps;
}

/**
 * The lists numbered as a look-up numbers them: `sources` into `order`, by default the ids in
 * the order first cited.
 */
function numbered(entities: string[][], relations: string[][], order?: string[]): NumberedSources {
  const chunkIds = order ?? [...new Set([...entities, ...relations].flat())];
  const slot = new Map(chunkIds.map((id, at) => [id, at]));
  const slots = (lists: string[][]) => lists.map((list) => list.map((id) => slot.get(id) as number));
  return { chunkIds, entities: slots(entities), relations: slots(relations) };
}

const query = new Float32Array([1, 0]);

describe("related chunks, VECTOR", () => {
  it("ranks every source chunk of an item, not only its first related_chunk_number, and caps the total", async () => {
    // Entity A cites 8 chunks; the two best matches are its last two. related 2 x 2 entities / 2 = 2.
    const a = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"];
    const scores = { a1: 0.1, a2: 0.2, a3: 0.1, a4: 0.1, a5: 0.1, a6: 0.1, a7: 0.8, a8: 0.9, b1: 0.5 };
    const calls: string[][] = [];
    const picked = await relatedChunks(
      depsScoring(scores, calls),
      "ws",
      query,
      numbered([a, ["b1"]], []),
      2,
      "VECTOR",
    );
    expect(picked.entityChunks).toEqual(["a8", "a7"]);
    expect(picked.relationChunks).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it("relations skip the entities' picks and count only relations left with chunks; one score call", async () => {
    const scores = { e1: 0.9, e2: 0.1, r1: 0.3, r2: 0.8, r3: 0.7, r4: 0.6 };
    const calls: string[][] = [];
    const picked = await relatedChunks(
      depsScoring(scores, calls),
      "ws",
      query,
      numbered([["e1", "e2"]], [["e1"], ["r1", "r2"], ["r3", "r4"]]),
      2,
      "VECTOR",
    );
    // 1 entity: 2 x 1 / 2 = 1 chunk. Relation 1 holds only e1 (picked), so 2 relations remain: 2 chunks.
    expect(picked.entityChunks).toEqual(["e1"]);
    expect(picked.relationChunks).toEqual(["r2", "r3"]);
    expect(calls).toHaveLength(1);
  });

  it("falls back to WEIGHT when no candidate has a vector", async () => {
    const picked = await relatedChunks(
      depsScoring({}),
      "ws",
      query,
      numbered([["c1", "c2", "c3"]], []),
      2,
      "VECTOR",
    );
    expect(picked.entityChunks).toEqual(["c1", "c2"]);
  });

  it("returns nothing and calls nothing without sources", async () => {
    const calls: string[][] = [];
    const picked = await relatedChunks(
      depsScoring({}, calls),
      "ws",
      query,
      numbered([[]], [[]]),
      5,
      "VECTOR",
    );
    expect(picked).toEqual({ entityChunks: [], relationChunks: [] });
    expect(calls).toHaveLength(0);
  });
});

describe("related chunks, WEIGHT", () => {
  it("polls with a linear gradient from related_chunk_number down to 1, without scoring", async () => {
    const calls: string[][] = [];
    const picked = await relatedChunks(
      depsScoring({ x: 1 }, calls),
      "ws",
      query,
      numbered(
        [
          ["a1", "a2", "a3", "a4"],
          ["b1", "b2", "b3"],
          ["c1", "c2"],
        ],
        [],
      ),
      3,
      "WEIGHT",
    );
    // Quotas 3, 2, 1.
    expect(picked.entityChunks).toEqual(["a1", "a2", "a3", "b1", "b2", "c1"]);
    expect(calls).toHaveLength(0);
  });

  it("gives quota an item cannot fill to the first item with chunks left", () => {
    expect(weightedPolling([["a"], ["b", "c", "d"]], 3, 1)).toEqual(["a", "b", "c", "d"]);
    expect(weightedPolling([["a", "b", "c"]], 2, 1)).toEqual(["a", "b"]);
    expect(weightedPolling([], 5, 1)).toEqual([]);
    // Python's round: 2.5 -> 2 (5 items, max 4: quotas 4, 3.25->3, 2.5->2, 1.75->2, 1).
    const five = [["a1", "a2", "a3", "a4"], ["b1", "b2", "b3"], ["c1", "c2", "c3"], ["d1", "d2"], ["e1"]];
    expect(weightedPolling(five, 4, 1)).toEqual([
      "a1",
      "a2",
      "a3",
      "a4",
      "b1",
      "b2",
      "b3",
      "c1",
      "c2",
      "d1",
      "d2",
      "e1",
    ]);
  });
});

/**
 * The selection as first written: every item's list built (`itemChunks`) before either method
 * picks. The fast VECTOR path must choose exactly what it chose.
 */
async function relatedChunksAsWritten(
  scores: Record<string, number>,
  entitySources: string[][],
  relationSources: string[][],
  related: number,
  method: "VECTOR" | "WEIGHT",
): Promise<{ entityChunks: string[]; relationChunks: string[] }> {
  const entities = entitySources.filter((list) => list.length > 0);
  const relations = relationSources.filter((list) => list.length > 0);
  const entityLists = itemChunks(entities, new Set());
  const known = method === "VECTOR" ? new Map(Object.entries(scores)) : null;
  if (known && [...entityLists.flat(), ...relations.flat()].length === 0)
    return { entityChunks: [], relationChunks: [] };
  const pick = (lists: string[][], items: number) => {
    if (known) {
      const picked = [...new Set(lists.flat())]
        .filter((id) => known.has(id))
        .sort((a, b) => (known.get(b) as number) - (known.get(a) as number) || (a < b ? -1 : 1))
        .slice(0, Math.floor((related * items) / 2));
      if (picked.length > 0) return picked;
    }
    return weightedPolling(lists, related, 1);
  };
  const entityChunks = entities.length > 0 ? pick(entityLists, entities.length) : [];
  const relationLists = itemChunks(relations, new Set(entityChunks)).filter((list) => list.length > 0);
  const relationChunks = relationLists.length > 0 ? pick(relationLists, relationLists.length) : [];
  return { entityChunks, relationChunks };
}

describe("related chunks, against the selection as first written", () => {
  it("picks the same chunks for random sources, scores (some missing, many tied), methods and numberings", async () => {
    const ids = Array.from({ length: 14 }, (_, i) => `c${i}`);
    const id = fc.constantFrom(...ids);
    // The picks must not depend on the order a look-up numbers chunks in.
    const order = fc.option(fc.shuffledSubarray(ids, { minLength: ids.length }), { nil: undefined });
    const sources = fc.array(fc.array(id, { maxLength: 6 }), { maxLength: 7 });
    const scoreTable = fc.dictionary(id, fc.constantFrom(0.1, 0.2, 0.5, 0.9));
    await fc.assert(
      fc.asyncProperty(
        sources,
        sources,
        scoreTable,
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom("VECTOR" as const, "WEIGHT" as const),
        order,
        async (entitySources, relationSources, scores, related, method, numbering) => {
          const picked = await relatedChunks(
            depsScoring(scores),
            "ws",
            query,
            numbered(entitySources, relationSources, numbering),
            related,
            method,
          );
          expect(picked).toEqual(
            await relatedChunksAsWritten(scores, entitySources, relationSources, related, method),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
