/**
 * The graph index's copy held in memory: records by vector id and by name, each node's edges
 * and degree, and each record's source chunks as numbers, so a query's look-up is a few map
 * reads instead of the shared look-up statement (`GRAPH_LOOKUP_SQL`), whose JSON building was
 * most of the graph phase of a query. It answers exactly what that statement's row ranks to
 * (`rankedLookup` of `graphLookupResult`): the same hits in the same order, the same chunk
 * numbering. The ranking needs no degree map here, and a chunk id is split and hashed once
 * when the copy is built, not on every query.
 */

import { FirstSeen } from "../first-seen";
import { type EntityRecord, type RelationRecord, splitSources } from "../graph";
import {
  byRankThenWeight,
  numberedAnswer,
  type RankedHalves,
  type UnnumberedEntity,
  type UnnumberedRelation,
} from "../graph-rank";
import type { GraphLookup, GraphLookupResult } from "../graph-search";

/** A stored row's record and the vector id it is found by. */
export interface Indexed<T> {
  vectorId: string;
  record: T;
}

/**
 * A REAL as the shared statement's `json_object` gives it: SQLite writes 15 significant digits,
 * so a weight summed from extractions (0.8 + 0.9 = 1.7000000000000002) reads back as 1.7. Kept
 * here so that edges rank exactly as they did from the statement (and from D1 while stale).
 *
 * @example
 * asJsonReal(0.8 + 0.9); // 1.7
 */
export const asJsonReal = (value: number): number => Number(value.toPrecision(15));

export class MemoryGraph {
  private readonly entityByVectorId = new Map<string, EntityRecord>();
  private readonly entityByName = new Map<string, EntityRecord>();
  private readonly relationByVectorId = new Map<string, RelationRecord>();
  /** Every relation touching a name (a self-loop once), and its degree (a self-loop twice). */
  private readonly edgesOf = new Map<string, RelationRecord[]>();
  private readonly degreeOf = new Map<string, number>();
  /** Chunk ids by number, and each record's sources as those numbers (its `sourceId`, split once). */
  private readonly chunks = new FirstSeen<string>();
  private readonly sourcesOf = new Map<EntityRecord | RelationRecord, Int32Array>();

  /**
   * Indexes a copy's rows.
   *
   * @example
   * const graph = new MemoryGraph(entityRows.map(indexedEntity), relationRows.map(indexedRelation));
   */
  constructor(entities: Iterable<Indexed<EntityRecord>>, relations: Iterable<Indexed<RelationRecord>>) {
    for (const { vectorId, record } of entities) {
      this.entityByVectorId.set(vectorId, record);
      this.entityByName.set(record.name, record);
    }
    for (const { vectorId, record } of relations) {
      this.relationByVectorId.set(vectorId, record);
      this.addEdge(record.src, record);
      if (record.tgt !== record.src) this.addEdge(record.tgt, record);
      this.degreeOf.set(record.src, (this.degreeOf.get(record.src) ?? 0) + 1);
      this.degreeOf.set(record.tgt, (this.degreeOf.get(record.tgt) ?? 0) + 1);
    }
    for (const records of [this.entityByVectorId.values(), this.relationByVectorId.values()])
      for (const record of records)
        this.sourcesOf.set(
          record,
          Int32Array.from(splitSources(record.sourceId), (id) => this.chunks.number(id)),
        );
  }

  private addEdge(name: string, relation: RelationRecord): void {
    const list = this.edgesOf.get(name);
    if (list) list.push(relation);
    else this.edgesOf.set(name, [relation]);
  }

  /**
   * The look-up port's answer for `request`, ranked as `rankedLookup` ranks the statement's row.
   *
   * @example
   * graph.lookup({ entityVectorIds: ["ent-…"] }).local?.relations;
   */
  lookup(request: GraphLookup): GraphLookupResult {
    const { entityVectorIds: entityIds, relationVectorIds: relationIds } = request;
    const degree = (name: string) => this.degreeOf.get(name) ?? 0;
    // Each hit is a copy; its record (one per name, one per pair) numbers it.
    const recordOf = new Map<UnnumberedEntity | UnnumberedRelation, EntityRecord | RelationRecord>();
    const rankedEntity = (entity: EntityRecord): UnnumberedEntity => {
      const hit = { ...entity, rank: degree(entity.name) };
      recordOf.set(hit, entity);
      return hit;
    };
    const rankedRelation = (edge: RelationRecord): UnnumberedRelation => {
      const hit = { ...edge, rank: degree(edge.src) + degree(edge.tgt) };
      recordOf.set(hit, edge);
      return hit;
    };
    const halves: RankedHalves = {};
    if (entityIds) {
      const found = pick(entityIds, this.entityByVectorId);
      // One record per pair: a set of records is the statement's edges without repeats.
      const edges = new Set<RelationRecord>();
      for (const entity of found) for (const edge of this.edgesOf.get(entity.name) ?? []) edges.add(edge);
      halves.local = {
        entities: found.map(rankedEntity),
        relations: Array.from(edges, rankedRelation).sort(byRankThenWeight),
      };
    }
    if (relationIds) {
      const relations = [...new Set(pick(relationIds, this.relationByVectorId))].map(rankedRelation);
      const entities: UnnumberedEntity[] = [];
      for (const name of new Set(relations.flatMap((edge) => [edge.src, edge.tgt]))) {
        const entity = this.entityByName.get(name);
        if (entity) entities.push(rankedEntity(entity));
      }
      halves.global = { entities, relations };
    }
    const record = (hit: UnnumberedEntity | UnnumberedRelation) =>
      recordOf.get(hit) as EntityRecord | RelationRecord;
    return numberedAnswer(
      halves,
      record,
      (hit) => this.sourcesOf.get(record(hit)) ?? [],
      (slot) => this.chunks.values[slot] as string,
    );
  }
}

/** The records of `ids` in their order (repeats repeated, unknown ids skipped). */
function pick<T>(ids: readonly string[], byId: ReadonlyMap<string, T>): T[] {
  const out: T[] = [];
  for (const id of ids) {
    const record = byId.get(id);
    if (record) out.push(record);
  }
  return out;
}
