/**
 * The graph half of retrieval: `local` finds entities by vector and ranks all their edges,
 * `global` finds relations by vector and takes their endpoints (LightRAG's `_get_node_data`
 * and `_get_edge_data`). Both vector queries run at once, then one graph look-up serves both.
 */
import type { EdgeKey, RelationRecord } from "../../storage/graph";
import type { EntityNeighbourhood, RelationEndpoints } from "../../storage/graph-search";
import { reciprocalRankFusion } from "./fusion";
import type { LexicalHits } from "./lexical";
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
  /** BM25 hits (vector ids) fused with the vector matches of each half that runs. */
  lexical?: Promise<LexicalHits>;
}

/** The keyword vectors to search with; a missing one skips its half. */
export interface GraphQuery {
  /** Low-level keywords: entities (`local`). */
  low?: Float32Array;
  /** High-level keywords: relations (`global`). */
  high?: Float32Array;
}

const EMPTY: GraphHits = { entities: [], relations: [] };

const pairKey = (edge: EdgeKey) => `${edge.src}\u0000${edge.tgt}`;

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Edge degree, then weight, then the endpoints: the store returns a neighbourhood's edges in
 * no promised order (D1's UNION happens to sort them, Postgres's need not), and where the
 * budget cuts a run of ties the kept edges must not depend on it.
 */
function byRankThenWeight(a: RankedRelation, b: RankedRelation): number {
  return b.rank - a.rank || b.weight - a.weight || byCodeUnits(a.src, b.src) || byCodeUnits(a.tgt, b.tgt);
}

/**
 * `local` and `global` hits of a query, in two round trips whatever the mode: the vector
 * queries in parallel (the lexical look-up, started earlier, beside them), then one graph
 * look-up of the fused ids.
 *
 * @example
 * const { local, global } = await graphSearch(deps, ws, { low, high }, { topK: 40, threshold: 0.2 });
 */
export async function graphSearch(
  deps: QueryDeps,
  workspace: string,
  query: GraphQuery,
  options: SearchOptions,
): Promise<{ local: GraphHits; global: GraphHits }> {
  const search = (namespace: "entities" | "relations", vector: Float32Array | undefined) =>
    vector
      ? timed(options.timer, `${namespace}_vectors`, () =>
          deps.vectors.query(workspace, namespace, vector, {
            topK: options.topK,
            threshold: options.threshold,
          }),
        )
      : undefined;
  const [entityMatches, relationMatches] = await Promise.all([
    search("entities", query.low),
    search("relations", query.high),
  ]);
  if (!entityMatches && !relationMatches) return { local: EMPTY, global: EMPTY };
  const lexical = await options.lexical;
  // Fused lists are cut back to top_k, so the graph look-up does no more work than before.
  const fuse = (vectorIds: string[], lexicalIds: string[] = []) =>
    reciprocalRankFusion([vectorIds, lexicalIds], (id) => id).slice(0, options.topK);
  const found = await timed(options.timer, "graph", () =>
    deps.graphSearch.lookup(workspace, {
      entityVectorIds:
        entityMatches &&
        fuse(
          entityMatches.map((match) => match.id),
          lexical?.entities,
        ),
      relationVectorIds:
        relationMatches &&
        fuse(
          relationMatches.map((match) => match.id),
          lexical?.relations,
        ),
    }),
  );
  // A look-up the graph index could not serve (stale after a write) was read from D1.
  if (found.servedBy === "d1") options.timer?.mark("graph_from_d1");
  return {
    local: found.local ? localHits(found.local) : EMPTY,
    global: found.global ? globalHits(found.global) : EMPTY,
  };
}

/** Entities in fused order, then every edge touching them ranked by (edge degree, weight, endpoints). */
function localHits(found: EntityNeighbourhood): GraphHits {
  const entities = found.entities.map((entity) => ({ ...entity, rank: found.degrees.get(entity.name) ?? 0 }));
  const relations = rankEdges(found.edges, found.degrees).sort(byRankThenWeight);
  return { entities, relations };
}

/** Relations in fused order, then their endpoints in order of first appearance. */
function globalHits(found: RelationEndpoints): GraphHits {
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
