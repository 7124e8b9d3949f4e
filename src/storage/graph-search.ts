/**
 * Port for the query side's graph look-ups: from vector matches to the records, the edges
 * and the degrees a query ranks by, each in one round trip (D1: one batch).
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

export interface GraphSearchStore {
  /** `local` retrieval: entities by `entities` vector id (`ent-…`) with their edges. */
  entitiesWithEdges(workspace: string, vectorIds: string[]): Promise<EntityNeighbourhood>;
  /** `global` retrieval: relations by `relations` vector id (`rel-…`) with their endpoints. */
  relationsWithEndpoints(workspace: string, vectorIds: string[]): Promise<RelationEndpoints>;
}
