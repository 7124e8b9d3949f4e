/**
 * Chunks behind the retrieved entities and relations, as LightRAG's
 * `_find_related_text_unit_from_entities` / `_from_relations` pick them: with
 * `KG_CHUNK_PICK_METHOD=VECTOR` (the default) every source chunk of every item competes on
 * cosine similarity to the query and only the total is capped (`pick_by_vector_similarity`);
 * with `WEIGHT`, earlier items get more of their most cited chunks (`pick_by_weighted_polling`).
 */
import { GRAPH_FIELD_SEP } from "../../storage/graph";
import type { QueryDeps } from "./types";

export const CHUNK_PICK_METHODS = ["VECTOR", "WEIGHT"] as const;
export type ChunkPickMethod = (typeof CHUNK_PICK_METHODS)[number];

/** Chunk ids of a `<SEP>`-joined `source_id`. */
export function splitSources(sourceId: string): string[] {
  return sourceId.split(GRAPH_FIELD_SEP).filter((id) => id.length > 0);
}

/**
 * Each item's chunks, a chunk kept only for the first item that names it and none in `exclude`,
 * most cited (over all items) first within an item, ties in source order.
 *
 * @example
 * itemChunks([["c1", "c2"], ["c2", "c3"]], new Set()); // [["c2", "c1"], ["c3"]]
 */
export function itemChunks(sources: string[][], exclude: ReadonlySet<string>): string[][] {
  const occurrences = new Map<string, number>();
  for (const list of sources)
    for (const id of new Set(list)) if (!exclude.has(id)) occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
  const taken = new Set<string>();
  return sources.map((list) => {
    const fresh: string[] = [];
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
export function weightedPolling(lists: string[][], max: number, min = 1): string[] {
  const n = lists.length;
  if (n === 0 || max <= 0) return [];
  if (n === 1) return (lists[0] as string[]).slice(0, max);
  const used: number[] = [];
  const out: string[] = [];
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
    out.push((lists[i] as string[])[used[i] as number] as string);
    used[i] = (used[i] as number) + 1;
  }
  return out;
}

/** Scored candidates, best first (ties by id, so runs are deterministic), at most `count`. */
function bySimilarity(candidates: Iterable<string>, scores: Map<string, number>, count: number): string[] {
  if (count <= 0) return [];
  const scored: Array<{ id: string; score: number }> = [];
  for (const id of candidates) {
    const score = scores.get(id);
    if (score !== undefined) scored.push({ id, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return scored.slice(0, count).map((entry) => entry.id);
}

/**
 * VECTOR's view of one side: every chunk the items cite (none in `exclude`), and how many items
 * are left citing a chunk no earlier item took, which is what `itemChunks` would keep as non-empty
 * lists. The candidates' order does not matter: `bySimilarity` orders them totally.
 */
function vectorCandidates(
  sources: string[][],
  exclude: ReadonlySet<string>,
): { ids: Set<string>; items: number } {
  const ids = new Set<string>();
  let items = 0;
  for (const list of sources) {
    let fresh = false;
    for (const id of list) {
      if (exclude.has(id) || ids.has(id)) continue;
      ids.add(id);
      fresh = true;
    }
    if (fresh) items++;
  }
  return { ids, items };
}

/**
 * One side's pick, VECTOR: the `related x items / 2` best scored chunks of all the items; WEIGHT
 * (as LightRAG's fallback when none of the candidates has a vector) polls the items' lists.
 * `everyItem`: every item counts, even one left without a chunk of its own (the entities' side);
 * otherwise such items drop out, from the count too (the relations' side).
 */
function pickSide(
  sources: string[][],
  exclude: ReadonlySet<string>,
  related: number,
  scores: Map<string, number> | null,
  everyItem: boolean,
): string[] {
  if (scores) {
    const candidates = vectorCandidates(sources, exclude);
    const items = everyItem ? sources.length : candidates.items;
    const picked = bySimilarity(candidates.ids, scores, Math.floor((related * items) / 2));
    if (picked.length > 0) return picked;
  }
  // Only WEIGHT needs each item's list in citation order; VECTOR's common case skips building them.
  const lists = itemChunks(sources, exclude);
  return weightedPolling(everyItem ? lists : lists.filter((list) => list.length > 0), related, 1);
}

/**
 * Chunks of the entities, then of the relations (minus those already picked by the entities).
 * With VECTOR, one call to the vector index scores every candidate of both sides.
 *
 * @example
 * const { entityChunks, relationChunks } = await relatedChunks(deps, ws, queryVector, entitySources, relationSources, 5, "VECTOR");
 */
export async function relatedChunks(
  deps: QueryDeps,
  workspace: string,
  query: Float32Array,
  entitySources: string[][],
  relationSources: string[][],
  related: number,
  method: ChunkPickMethod = "VECTOR",
): Promise<{ entityChunks: string[]; relationChunks: string[] }> {
  // LightRAG counts only the items that have a source chunk at all.
  const entities = entitySources.filter((list) => list.length > 0);
  const relations = relationSources.filter((list) => list.length > 0);
  let scores: Map<string, number> | null = null;
  if (method === "VECTOR") {
    const everyId = new Set<string>();
    for (const list of entities) for (const id of list) everyId.add(id);
    for (const list of relations) for (const id of list) everyId.add(id);
    if (everyId.size === 0) return { entityChunks: [], relationChunks: [] };
    const scored = await deps.vectors.score(workspace, "chunks", [...everyId], query);
    scores = new Map(scored.map((match) => [match.id, match.score]));
  }
  const entityChunks = entities.length > 0 ? pickSide(entities, new Set(), related, scores, true) : [];
  // Relations whose every chunk the entities already hold drop out, and from the count too.
  const relationChunks =
    relations.length > 0 ? pickSide(relations, new Set(entityChunks), related, scores, false) : [];
  return { entityChunks, relationChunks };
}
