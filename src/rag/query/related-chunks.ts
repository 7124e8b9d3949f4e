/**
 * Chunks behind the retrieved entities and relations, as LightRAG's
 * `_find_related_text_unit_from_entities` / `_from_relations` pick them: with
 * `KG_CHUNK_PICK_METHOD=VECTOR` (the default) every source chunk of every item competes on
 * cosine similarity to the query and only the total is capped (`pick_by_vector_similarity`);
 * with `WEIGHT`, earlier items get more of their most cited chunks (`pick_by_weighted_polling`).
 *
 * The selection works on the chunks' numbers in the graph look-up's answer (`sources` into
 * `chunkIds`, storage/graph-rank.ts), not on their id strings: hashing a few hundred fresh id
 * strings into sets and maps was most of its cost.
 */
import type { QueryDeps } from "./types";

export const CHUNK_PICK_METHODS = ["VECTOR", "WEIGHT"] as const;
export type ChunkPickMethod = (typeof CHUNK_PICK_METHODS)[number];

/** Each item's source chunks as numbers into `chunkIds` (a graph look-up's `sources`). */
export interface NumberedSources {
  chunkIds: readonly string[];
  entities: readonly (readonly number[])[];
  relations: readonly (readonly number[])[];
}

/**
 * Each item's chunks, a chunk kept only for the first item that names it and none in `exclude`,
 * most cited (over all items) first within an item, ties in source order.
 *
 * @example
 * itemChunks([["c1", "c2"], ["c2", "c3"]], new Set()); // [["c2", "c1"], ["c3"]]
 */
export function itemChunks<T>(sources: readonly (readonly T[])[], exclude: { has(item: T): boolean }): T[][] {
  const occurrences = new Map<T, number>();
  for (const list of sources)
    for (const id of new Set(list)) if (!exclude.has(id)) occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
  const taken = new Set<T>();
  return sources.map((list) => {
    const fresh: T[] = [];
    for (const id of list) {
      if (exclude.has(id) || taken.has(id)) continue;
      taken.add(id);
      fresh.push(id);
    }
    // Array.prototype.sort is stable, so equal counts keep their source order (as Python's sorted).
    return fresh.sort((a, b) => (occurrences.get(b) ?? 0) - (occurrences.get(a) ?? 0));
  });
}

/** Python's `round` (half to even), which LightRAG's linear gradient uses. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (Math.abs(diff - 0.5) > 1e-9) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * LightRAG's `pick_by_weighted_polling`: item i of n gets a quota falling linearly from `max`
 * to `min`; quota an item cannot fill goes, one chunk at a time, to the first item with chunks left.
 *
 * @example
 * weightedPolling([["a"], ["b", "c", "d"]], 3, 1); // ["a", "b", "c", "d"]
 */
export function weightedPolling<T>(lists: readonly (readonly T[])[], max: number, min = 1): T[] {
  const n = lists.length;
  if (n === 0 || max <= 0) return [];
  if (n === 1) return (lists[0] as T[]).slice(0, max);
  const used: number[] = [];
  const out: T[] = [];
  let remaining = 0;
  lists.forEach((list, i) => {
    const expected = roundHalfEven(max - (i / (n - 1)) * (max - min));
    const actual = Math.min(expected, list.length);
    out.push(...list.slice(0, actual));
    used.push(actual);
    if (expected > actual) remaining += expected - actual;
  });
  for (let round = 0; round < remaining; round++) {
    const i = lists.findIndex((list, j) => (used[j] as number) < list.length);
    if (i < 0) break;
    out.push((lists[i] as T[])[used[i] as number] as T);
    used[i] = (used[i] as number) + 1;
  }
  return out;
}

/**
 * Scored candidates, best first (ties by id, so runs are deterministic), at most `count`;
 * `scores` by chunk number, NaN where the index has no vector.
 */
function bySimilarity(
  candidates: number[],
  scores: Float64Array,
  ids: readonly string[],
  count: number,
): number[] {
  if (count <= 0) return [];
  const scored = candidates.filter((slot) => !Number.isNaN(scores[slot] as number));
  scored.sort(
    (a, b) =>
      (scores[b] as number) - (scores[a] as number) || ((ids[a] as string) < (ids[b] as string) ? -1 : 1),
  );
  return scored.slice(0, count);
}

/**
 * One side's pick, VECTOR: the `related x items / 2` best scored chunks of all the items (each
 * chunk once, none `excluded`); WEIGHT (as LightRAG's fallback when none of the candidates has
 * a vector) polls the items' lists. `everyItem`: every item counts, even one left without a
 * chunk of its own (the entities' side); otherwise such items drop out, from the count too (the
 * relations' side).
 */
function pickSide(
  sources: readonly (readonly number[])[],
  excluded: Uint8Array,
  related: number,
  scores: Float64Array | null,
  ids: readonly string[],
  everyItem: boolean,
): number[] {
  if (scores) {
    const taken = new Uint8Array(ids.length);
    const candidates: number[] = [];
    let items = 0;
    for (const list of sources) {
      let fresh = false;
      for (const slot of list) {
        if (excluded[slot] || taken[slot]) continue;
        taken[slot] = 1;
        candidates.push(slot);
        fresh = true;
      }
      if (fresh) items++;
    }
    const count = Math.floor((related * (everyItem ? sources.length : items)) / 2);
    const picked = bySimilarity(candidates, scores, ids, count);
    if (picked.length > 0) return picked;
  }
  // Only WEIGHT needs each item's list in citation order; VECTOR's common case skips building them.
  const lists = itemChunks(sources, { has: (slot: number) => excluded[slot] === 1 });
  return weightedPolling(everyItem ? lists : lists.filter((list) => list.length > 0), related, 1);
}

/**
 * Chunks of the entities, then of the relations (minus those already picked by the entities).
 * With VECTOR, one call to the vector index scores every candidate of both sides.
 *
 * @example
 * const sources = { chunkIds, entities: entities.map((e) => e.sources), relations: relations.map((r) => r.sources) };
 * const { entityChunks, relationChunks } = await relatedChunks(deps, ws, queryVector, sources, 5, "VECTOR");
 */
export async function relatedChunks(
  deps: QueryDeps,
  workspace: string,
  query: Float32Array,
  sources: NumberedSources,
  related: number,
  method: ChunkPickMethod = "VECTOR",
): Promise<{ entityChunks: string[]; relationChunks: string[] }> {
  const ids = sources.chunkIds;
  // LightRAG counts only the items that have a source chunk at all.
  const entities = sources.entities.filter((list) => list.length > 0);
  const relations = sources.relations.filter((list) => list.length > 0);
  let scores: Float64Array | null = null;
  if (method === "VECTOR") {
    const asked = new Uint8Array(ids.length);
    const slots: number[] = [];
    for (const side of [entities, relations])
      for (const list of side)
        for (const slot of list) {
          if (asked[slot]) continue;
          asked[slot] = 1;
          slots.push(slot);
        }
    if (slots.length === 0) return { entityChunks: [], relationChunks: [] };
    const scored = await deps.vectors.score(
      workspace,
      "chunks",
      slots.map((slot) => ids[slot] as string),
      query,
    );
    const byChunk = new Float64Array(ids.length).fill(Number.NaN);
    slots.forEach((slot, at) => {
      byChunk[slot] = scored[at] as number;
    });
    scores = byChunk;
  }
  const excluded = new Uint8Array(ids.length);
  const entityPicks = entities.length > 0 ? pickSide(entities, excluded, related, scores, ids, true) : [];
  // Relations whose every chunk the entities already hold drop out, and from the count too.
  for (const slot of entityPicks) excluded[slot] = 1;
  const relationPicks =
    relations.length > 0 ? pickSide(relations, excluded, related, scores, ids, false) : [];
  const idOf = (slot: number) => ids[slot] as string;
  return { entityChunks: entityPicks.map(idOf), relationChunks: relationPicks.map(idOf) };
}
