/**
 * The graph half of retrieval: `local` finds entities by vector and ranks all their edges,
 * `global` finds relations by vector and takes their endpoints (LightRAG's `_get_node_data`
 * and `_get_edge_data`). Both vector queries run at once, then one graph look-up serves both.
 */

import { fuseIds } from "../../storage/fusion";
import type { EdgeKey, RelationRecord } from "../../storage/graph";
import type { EntityNeighbourhood, GraphLookupResult, RelationEndpoints } from "../../storage/graph-search";
import { type LexicalHits, type LexicalQuery, lexicalHits, lexicalRequest } from "./lexical";
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
  /**
   * BM25 taking part: hits already asked for (a promise, fused here), or the texts to rank in
   * the look-up's own round trip where the store can (`lookupFused`), else searched here.
   */
  lexical?: Promise<LexicalHits> | LexicalQuery;
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
 * queries in parallel, then one graph look-up of the ids fused with the BM25 hits, which the
 * graph index ranks in that same call (elsewhere a lexical search runs before the look-up,
 * or was started earlier by the caller). The BM25 hits are returned for the chunk fusion.
 *
 * @example
 * const { local, global } = await graphSearch(deps, ws, { low, high }, { topK: 40, threshold: 0.2 });
 */
export async function graphSearch(
  deps: QueryDeps,
  workspace: string,
  query: GraphQuery,
  options: SearchOptions,
): Promise<{ local: GraphHits; global: GraphHits; lexical?: LexicalHits }> {
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
  const entityIds = entityMatches?.map((match) => match.id);
  const relationIds = relationMatches?.map((match) => match.id);
  const lexical = options.lexical;
  let found: GraphLookupResult | null = null;
  let hits: LexicalHits | undefined;
  const store = deps.graphSearch;
  if (lexical && !(lexical instanceof Promise) && deps.lexical && store.lookupFused) {
    const started = performance.now();
    const fused = await store.lookupFused(workspace, {
      entityVectorIds: entityIds,
      relationVectorIds: relationIds,
      lexical: lexicalRequest(lexical),
      chunkLimit: lexical.chunkLimit,
      graphLimit: lexical.graphLimit,
    });
    // Declined (stale, too large, unreachable): the separate search and look-up below follow.
    options.timer?.record(fused ? "graph" : "graph_fused_declined", performance.now() - started);
    if (fused) {
      found = fused;
      hits = fused.lexical;
    }
  }
  if (!found) {
    hits =
      lexical instanceof Promise
        ? await lexical
        : lexical && (await lexicalHits(deps, workspace, lexical, options.timer));
    const fuse = (vectorIds: string[] | undefined, lexicalIds: string[] = []) =>
      vectorIds && fuseIds(vectorIds, lexicalIds, options.topK);
    found = await timed(options.timer, "graph", () =>
      deps.graphSearch.lookup(workspace, {
        entityVectorIds: fuse(entityIds, hits?.entities),
        relationVectorIds: fuse(relationIds, hits?.relations),
      }),
    );
  }
  if (found.servedBy === "d1") options.timer?.mark("graph_from_d1");
  return {
    local: found.local ? localHits(found.local) : EMPTY,
    global: found.global ? globalHits(found.global) : EMPTY,
    lexical: hits,
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
