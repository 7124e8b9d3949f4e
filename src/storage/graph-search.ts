/**
 * Port for the query side's graph look-ups: from vector matches to the records, the edges
 * and the degrees a query ranks by. Both halves of a hybrid or mix query share one round
 * trip (D1: one batch).
 */
import type { EntityRecord, RelationRecord } from "./graph";
import type { LexicalHits, LexicalRequest } from "./lexical";

export interface EntityNeighbourhood {
  /** Entities of the vector ids, in the ids' order; unknown ids skipped. */
  entities: EntityRecord[];
  /** Every relation touching any of them. */
  edges: RelationRecord[];
  /** Degree of every entity and every edge endpoint. */
  degrees: Map<string, number>;
}

export interface RelationEndpoints {
  /** Relations of the vector ids, in the ids' order; unknown ids skipped. */
  relations: RelationRecord[];
  /** Their endpoint entities. */
  entities: EntityRecord[];
  /** Degree of every endpoint. */
  degrees: Map<string, number>;
}

export interface GraphLookup {
  /** `local` retrieval: entities by `entities` vector id (`ent-…`), to be found with their edges. */
  entityVectorIds?: string[];
  /** `global` retrieval: relations by `relations` vector id (`rel-…`), to be found with their endpoints. */
  relationVectorIds?: string[];
}

export interface GraphLookupResult {
  /** Present when `entityVectorIds` was given. */
  local?: EntityNeighbourhood;
  /** Present when `relationVectorIds` was given. */
  global?: RelationEndpoints;
  /** Which store answered, where an adapter has more than one (`index`, `d1`). */
  servedBy?: string;
}

/**
 * A look-up whose ids are fused with BM25 hits in the same round trip: the store ranks the
 * `lexical` texts, fuses each kind's hits with the vector matches (`fuseIds`, storage/fusion.ts)
 * and looks up the fused ids, as a lexical search followed by `lookup` would.
 */
export interface FusedGraphLookup {
  /** `local`: entity vector matches, best first (fused with BM25 hits of `lexical.entities`). */
  entityVectorIds?: string[];
  /** `global`: relation vector matches, best first (fused with BM25 hits of `lexical.relations`). */
  relationVectorIds?: string[];
  /** The BM25 texts; `chunks` is ranked too and only returned. */
  lexical: LexicalRequest;
  /** Chunk hits kept. */
  chunkLimit: number;
  /** Entity and relation hits kept, and fused ids looked up per kind (top_k). */
  graphLimit: number;
}

export interface FusedGraphLookupResult extends GraphLookupResult {
  /** The BM25 hits, trimmed to the limits, in the vector stores' id space. */
  lexical: LexicalHits;
}

export interface GraphSearchStore {
  /**
   * Both look-ups in one round trip.
   *
   * @example
   * const { local, global } = await store.lookup(ws, { entityVectorIds: ["ent-1"], relationVectorIds: ["rel-2"] });
   */
  lookup(workspace: string, request: GraphLookup): Promise<GraphLookupResult>;
  /**
   * BM25, fusion and look-up in one round trip, where the store keeps BM25 beside the graph
   * (the graph index object); `null` when it cannot now (stale copy, too large to rank in
   * memory, unreachable): the caller then searches and looks up separately.
   *
   * @example
   * const found = await store.lookupFused?.(ws, { entityVectorIds, lexical: { entities: low, limit: 40 }, chunkLimit: 20, graphLimit: 40 });
   */
  lookupFused?(workspace: string, request: FusedGraphLookup): Promise<FusedGraphLookupResult | null>;
}
