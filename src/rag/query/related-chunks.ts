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
function bySimilarity(candidates: string[], scores: Map<string, number>, count: number): string[] {
  if (count <= 0) return [];
  return candidates
    .filter((id) => scores.has(id))
    .sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number) || (a < b ? -1 : 1))
    .slice(0, count);
}

/**
 * One side's pick: VECTOR keeps the `related x items / 2` best scored chunks of all of them,
 * falling back to WEIGHT (as LightRAG) when none of the candidates has a vector.
 */
function pickSide(
  lists: string[][],
  items: number,
  related: number,
  method: ChunkPickMethod,
  scores: Map<string, number> | null,
): string[] {
  if (method === "VECTOR" && scores) {
    const picked = bySimilarity([...new Set(lists.flat())], scores, Math.floor((related * items) / 2));
    if (picked.length > 0) return picked;
  }
  return weightedPolling(lists, related, 1);
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
  const entityLists = itemChunks(entities, new Set());
  let scores: Map<string, number> | null = null;
  if (method === "VECTOR") {
    const everyId = [...new Set([...entityLists.flat(), ...relations.flat()])];
    if (everyId.length === 0) return { entityChunks: [], relationChunks: [] };
    const scored = await deps.vectors.score(workspace, "chunks", everyId, query);
    scores = new Map(scored.map((match) => [match.id, match.score]));
  }
  const entityChunks =
    entities.length > 0 ? pickSide(entityLists, entities.length, related, method, scores) : [];
  // Relations whose every chunk the entities already hold drop out, and from the count too.
  const relationLists = itemChunks(relations, new Set(entityChunks)).filter((list) => list.length > 0);
  const relationChunks =
    relationLists.length > 0 ? pickSide(relationLists, relationLists.length, related, method, scores) : [];
  return { entityChunks, relationChunks };
}
