/**
 * The graph half of retrieval: `local` finds entities by vector with all their edges, `global`
 * finds relations by vector with their endpoints (LightRAG's `_get_node_data` and
 * `_get_edge_data`). Both vector queries run at once, then one graph look-up serves both and
 * answers them ranked (storage/graph-rank.ts).
 */

import { fuseIds } from "../../storage/fusion";
import type { GraphHits, GraphLookupResult } from "../../storage/graph-search";
import { type LexicalHits, type LexicalQuery, lexicalHits, lexicalRequest } from "./lexical";
import { type PhaseTimer, timed } from "./timings";
import type { QueryDeps } from "./types";

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
): Promise<{ local: GraphHits; global: GraphHits; chunkIds: string[]; lexical?: LexicalHits }> {
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
  if (!entityMatches && !relationMatches) return { local: EMPTY, global: EMPTY, chunkIds: [] };
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
    local: found.local ?? EMPTY,
    global: found.global ?? EMPTY,
    chunkIds: found.chunkIds,
    lexical: hits,
  };
}
