/**
 * Port for the query side's graph look-ups: from vector matches to the records a query ranks,
 * ranked by degree (LightRAG's `_get_node_data` and `_get_edge_data`), with their source chunks
 * numbered. Both halves of a hybrid or mix query share one round trip (D1: one batch).
 */
import type { EntityRecord, RelationRecord } from "./graph";
import type { LexicalHits, LexicalRequest } from "./lexical";

/** An entity as retrieved, with its degree as rank. */
export interface RankedEntity extends EntityRecord {
  rank: number;
  /**
   * Its source chunks (`splitSources(sourceId)`, in order) as indexes into the look-up's
   * `chunkIds`: the related-chunk selection works on these numbers, not on the id strings.
   */
  sources: number[];
  /**
   * The hit's number in its look-up's answer, the same for the same entity in both halves, so
   * that merging the halves compares numbers instead of names.
   */
  key: number;
}

/** A relation as retrieved, ranked by edge degree (sum of the endpoints' degrees). */
export interface RankedRelation extends RelationRecord {
  rank: number;
  /** As `RankedEntity.sources`. */
  sources: number[];
  /** As `RankedEntity.key`: the same for the same endpoints. */
  key: number;
}

/** One half of a look-up's answer. */
export interface GraphHits {
  entities: RankedEntity[];
  relations: RankedRelation[];
}

/** A stored look-up's raw `local` half, before ranking (storage/graph-rank.ts ranks it). */
export interface EntityNeighbourhood {
  /** Entities of the vector ids, in the ids' order; unknown ids skipped. */
  entities: EntityRecord[];
  /** Every relation touching any of them. */
  edges: RelationRecord[];
  /** Degree of every entity and every edge endpoint. */
  degrees: Map<string, number>;
}

/** A stored look-up's raw `global` half, before ranking. */
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
  /**
   * Present when `entityVectorIds` was given: the entities in the ids' order (unknown ids
   * skipped) ranked by degree, and every relation touching any of them ranked by (edge
   * degree, weight, endpoints).
   */
  local?: GraphHits;
  /**
   * Present when `relationVectorIds` was given: the relations in the ids' order (unknown ids
   * and repeats skipped) ranked by edge degree, and their endpoints in order of first appearance.
   */
  global?: GraphHits;
  /**
   * The chunk ids the hits' `sources` index, numbered in the order the hits cite them
   * (`numberedAnswer`, storage/graph-rank.ts); the hits' `key`s are numbered in that order too.
   */
  chunkIds: string[];
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
