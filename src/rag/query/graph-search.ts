/**
 * The graph half of retrieval: `local` finds entities by vector and ranks all their edges,
 * `global` finds relations by vector and takes their endpoints (LightRAG's `_get_node_data`
 * and `_get_edge_data`).
 */
import type { EdgeKey, RelationRecord } from "../../storage/graph";
import { type PhaseTimer, timed } from "./timings";
import type { QueryDeps, RankedEntity, RankedRelation } from "./types";

export interface GraphHits {
  entities: RankedEntity[];
  relations: RankedRelation[];
}

export interface SearchOptions {
  topK: number;
  threshold: number;
  timer?: PhaseTimer;
}

const pairKey = (edge: EdgeKey) => `${edge.src}\u0000${edge.tgt}`;

function byRankThenWeight(a: RankedRelation, b: RankedRelation): number {
  return b.rank - a.rank || b.weight - a.weight;
}

/**
 * Entities nearest to the low-level keywords, then every edge touching them ranked by
 * (edge degree, weight).
 */
export async function localSearch(
  deps: QueryDeps,
  workspace: string,
  vector: Float32Array,
  options: SearchOptions,
): Promise<GraphHits> {
  const matches = await timed(options.timer, "local_vectors", () =>
    deps.vectors.query(workspace, "entities", vector, { topK: options.topK, threshold: options.threshold }),
  );
  const found = await timed(options.timer, "local_graph", () =>
    deps.graphSearch.entitiesWithEdges(
      workspace,
      matches.map((match) => match.id),
    ),
  );
  const entities = found.entities.map((entity) => ({ ...entity, rank: found.degrees.get(entity.name) ?? 0 }));
  const relations = rankEdges(found.edges, found.degrees).sort(byRankThenWeight);
  return { entities, relations };
}

/**
 * Relations nearest to the high-level keywords (vector order), then their endpoints in order
 * of first appearance.
 */
export async function globalSearch(
  deps: QueryDeps,
  workspace: string,
  vector: Float32Array,
  options: SearchOptions,
): Promise<GraphHits> {
  const matches = await timed(options.timer, "global_vectors", () =>
    deps.vectors.query(workspace, "relations", vector, { topK: options.topK, threshold: options.threshold }),
  );
  const found = await timed(options.timer, "global_graph", () =>
    deps.graphSearch.relationsWithEndpoints(
      workspace,
      matches.map((match) => match.id),
    ),
  );
  const relations = rankEdges(found.relations, found.degrees);
  const byName = new Map(found.entities.map((record) => [record.name, record]));
  const entities: RankedEntity[] = [];
  for (const name of new Set(relations.flatMap((edge) => [edge.src, edge.tgt]))) {
    const record = byName.get(name);
    if (record) entities.push({ ...record, rank: found.degrees.get(name) ?? 0 });
  }
  return { entities, relations };
}

function rankEdges(edges: RelationRecord[], degrees: Map<string, number>): RankedRelation[] {
  const seen = new Set<string>();
  const out: RankedRelation[] = [];
  for (const edge of edges) {
    const key = pairKey(edge);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...edge, rank: (degrees.get(edge.src) ?? 0) + (degrees.get(edge.tgt) ?? 0) });
  }
  return out;
}
