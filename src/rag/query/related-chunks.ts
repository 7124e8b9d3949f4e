/**
 * Chunks behind the retrieved entities and relations, picked by cosine similarity to the
 * query (LightRAG's `KG_CHUNK_PICK_METHOD=VECTOR`, `pick_by_vector_similarity`).
 */
import { GRAPH_FIELD_SEP } from "../../storage/graph";
import type { QueryDeps } from "./types";

/** Chunk ids of a `<SEP>`-joined `source_id`. */
export function splitSources(sourceId: string): string[] {
  return sourceId.split(GRAPH_FIELD_SEP).filter((id) => id.length > 0);
}

/**
 * Candidate chunk ids of `items`: each item's first `perItem` sources, a chunk counted once
 * (for the item that names it first), more frequently cited chunks first within an item.
 */
export function candidateChunks(sources: string[][], perItem: number, exclude: Set<string>): string[] {
  const occurrences = new Map<string, number>();
  for (const list of sources)
    for (const id of new Set(list)) occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
  const taken = new Set(exclude);
  const out: string[] = [];
  for (const list of sources) {
    const fresh = [...new Set(list)].filter((id) => !taken.has(id));
    const sorted = fresh
      .map((id, order) => ({ id, order, count: occurrences.get(id) ?? 0 }))
      .sort((a, b) => b.count - a.count || a.order - b.order)
      .slice(0, perItem);
    for (const { id } of sorted) {
      taken.add(id);
      out.push(id);
    }
  }
  return out;
}

/** Orders `candidates` by similarity (unscored ones keep their order after the scored) and keeps `count`. */
function pick(candidates: string[], scores: Map<string, number>, count: number): string[] {
  if (count <= 0) return [];
  const scored = candidates
    .filter((id) => scores.has(id))
    .sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number) || (a < b ? -1 : 1));
  const rest = candidates.filter((id) => !scores.has(id));
  return [...scored, ...rest].slice(0, count);
}

/**
 * Chunks of the entities, then of the relations (minus those already picked), each list
 * `related_chunk_number x items / 2` long, best match to the query first. One call to the
 * vector index scores every candidate of both.
 *
 * @example
 * const { entityChunks, relationChunks } = await relatedChunks(deps, ws, queryVector, entitySources, relationSources, 5);
 */
export async function relatedChunks(
  deps: QueryDeps,
  workspace: string,
  query: Float32Array,
  entitySources: string[][],
  relationSources: string[][],
  perItem: number,
): Promise<{ entityChunks: string[]; relationChunks: string[] }> {
  const entityCandidates = candidateChunks(entitySources, perItem, new Set());
  const everyId = [...new Set([...entityCandidates, ...relationSources.flat()])];
  if (everyId.length === 0) return { entityChunks: [], relationChunks: [] };
  const scored = await deps.vectors.score(workspace, "chunks", everyId, query);
  const scores = new Map(scored.map((match) => [match.id, match.score]));
  const entityChunks = pick(entityCandidates, scores, Math.floor((perItem * entitySources.length) / 2));
  const relationCandidates = candidateChunks(relationSources, perItem, new Set(entityChunks));
  const relationChunks = pick(relationCandidates, scores, Math.floor((perItem * relationSources.length) / 2));
  return { entityChunks, relationChunks };
}
