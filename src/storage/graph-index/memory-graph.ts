/**
 * The graph index's copy held in memory: records by vector id and by name, and each node's
 * edges, so a query's look-up is a few map reads instead of the shared look-up statement
 * (`GRAPH_LOOKUP_SQL`), whose JSON building was most of the graph phase of a query, and whose
 * JSON the caller then parsed again. It answers exactly what that statement answers
 * (`graphLookupResult` of its row): the same records, edges, endpoints and degrees.
 *
 * Order, where the port promises none: edges and endpoints come sorted by their names, as
 * SQLite's `UNION` happens to return them for the names the tests use; callers rank them.
 */
import type { EntityRecord, RelationRecord } from "../graph";
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

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byEnds = (a: RelationRecord, b: RelationRecord) =>
  byCodeUnits(a.src, b.src) || byCodeUnits(a.tgt, b.tgt);

export class MemoryGraph {
  private readonly entityByVectorId = new Map<string, EntityRecord>();
  private readonly entityByName = new Map<string, EntityRecord>();
  private readonly relationByVectorId = new Map<string, RelationRecord>();
  /** Every relation touching a name (a self-loop once), and its degree (a self-loop twice). */
  private readonly edgesOf = new Map<string, RelationRecord[]>();
  private readonly degreeOf = new Map<string, number>();

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
  }

  private addEdge(name: string, relation: RelationRecord): void {
    const list = this.edgesOf.get(name);
    if (list) list.push(relation);
    else this.edgesOf.set(name, [relation]);
  }

  /**
   * The look-up port's answer for `request`, as the shared statement gives it.
   *
   * @example
   * graph.lookup({ entityVectorIds: ["ent-…"] }).local?.edges;
   */
  lookup(request: GraphLookup): GraphLookupResult {
    const { entityVectorIds: entityIds, relationVectorIds: relationIds } = request;
    const ends = new Set<string>();
    const found = pick(entityIds ?? [], this.entityByVectorId);
    const edges = new Set<RelationRecord>();
    for (const entity of found) {
      ends.add(entity.name);
      for (const edge of this.edgesOf.get(entity.name) ?? []) edges.add(edge);
    }
    for (const edge of edges) ends.add(edge.src).add(edge.tgt);
    const relations = pick(relationIds ?? [], this.relationByVectorId);
    const relationEnds = new Set<string>();
    for (const relation of relations) relationEnds.add(relation.src).add(relation.tgt);
    const endpoints: EntityRecord[] = [];
    for (const name of [...relationEnds].sort(byCodeUnits)) {
      ends.add(name);
      const entity = this.entityByName.get(name);
      if (entity) endpoints.push(entity);
    }
    const degrees = new Map<string, number>();
    for (const name of [...ends].sort(byCodeUnits)) degrees.set(name, this.degreeOf.get(name) ?? 0);
    return {
      ...(entityIds && { local: { entities: found, edges: [...edges].sort(byEnds), degrees } }),
      ...(relationIds && { global: { relations, entities: endpoints, degrees } }),
    };
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
