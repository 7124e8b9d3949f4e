/**
 * Port for the query side's graph look-ups: from vector matches to the records, the edges
 * and the degrees a query ranks by. Both halves of a hybrid or mix query share one round
 * trip (D1: one batch).
 */
import type { EntityRecord, RelationRecord } from "./graph";

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

export interface GraphSearchStore {
  /**
   * Both look-ups in one round trip.
   *
   * @example
   * const { local, global } = await store.lookup(ws, { entityVectorIds: ["ent-1"], relationVectorIds: ["rel-2"] });
   */
  lookup(workspace: string, request: GraphLookup): Promise<GraphLookupResult>;
}
