/**
 * A graph look-up's answer as the query ranks it (LightRAG's `_get_node_data` and
 * `_get_edge_data`): entities by degree, edges by edge degree, and the chunks the hits cite
 * numbered once, so the related-chunk selection compares numbers instead of id strings. The
 * D1 and Postgres statements' rows are ranked here; the graph index's in-memory copy ranks its
 * own records the same way (memory-graph.ts) and the tests hold the two equal.
 */
import { FirstSeen } from "./first-seen";
import { type EdgeKey, type RelationRecord, splitSources } from "./graph";
import type {
  EntityNeighbourhood,
  GraphLookupResult,
  RankedEntity,
  RankedRelation,
  RelationEndpoints,
} from "./graph-search";

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const pairKey = (edge: EdgeKey) => `${edge.src}\u0000${edge.tgt}`;

/**
 * Edge degree, then weight, then the endpoints: a store returns a neighbourhood's edges in no
 * promised order (D1's UNION happens to sort them, Postgres's need not), and where the budget
 * cuts a run of ties the kept edges must not depend on it.
 */
export function byRankThenWeight(a: UnnumberedRelation, b: UnnumberedRelation): number {
  return b.rank - a.rank || b.weight - a.weight || byCodeUnits(a.src, b.src) || byCodeUnits(a.tgt, b.tgt);
}

/** A hit ranked but not yet numbered by its answer (`numberedAnswer`). */
export type UnnumberedEntity = Omit<RankedEntity, "sources" | "key">;
export type UnnumberedRelation = Omit<RankedRelation, "sources" | "key">;

/** A look-up's halves, ranked, before numbering. */
export interface RankedHalves {
  local?: { entities: UnnumberedEntity[]; relations: UnnumberedRelation[] };
  global?: { entities: UnnumberedEntity[]; relations: UnnumberedRelation[] };
}

/** Each pair once (the first), ranked by the sum of its endpoints' degrees. */
function rankEdges(edges: RelationRecord[], degrees: ReadonlyMap<string, number>): UnnumberedRelation[] {
  const seen = new Set<string>();
  const out: UnnumberedRelation[] = [];
  for (const edge of edges) {
    const key = pairKey(edge);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...edge, rank: (degrees.get(edge.src) ?? 0) + (degrees.get(edge.tgt) ?? 0) });
  }
  return out;
}

/** `local`: the entities in found order, every edge touching them by (edge degree, weight, endpoints). */
function rankNeighbourhood(found: EntityNeighbourhood): RankedHalves["local"] {
  const entities = found.entities.map((entity) => ({ ...entity, rank: found.degrees.get(entity.name) ?? 0 }));
  return { entities, relations: rankEdges(found.edges, found.degrees).sort(byRankThenWeight) };
}

/** `global`: the relations in found order, then their endpoints in order of first appearance. */
function rankEndpoints(found: RelationEndpoints): RankedHalves["global"] {
  const relations = rankEdges(found.relations, found.degrees);
  const byName = new Map(found.entities.map((record) => [record.name, record]));
  const entities: UnnumberedEntity[] = [];
  for (const name of new Set(relations.flatMap((edge) => [edge.src, edge.tgt]))) {
    const record = byName.get(name);
    if (record) entities.push({ ...record, rank: found.degrees.get(name) ?? 0 });
  }
  return { entities, relations };
}

/**
 * The answer of ranked `halves`: every hit gets its `key` (first seen, first numbered, by
 * `identity`) and its `sources` (the chunks it `cites`, first cited, first numbered), in one
 * order on every path: local entities, local relations, global relations, global entities.
 * A chunk is whatever `cites` gives (an id, or a copy's own number for it); `chunkIdOf` names it.
 *
 * @example
 * numberedAnswer(halves, (hit) => hit.name, (hit) => splitSources(hit.sourceId), (id) => id);
 */
export function numberedAnswer<C>(
  halves: RankedHalves,
  identity: (hit: UnnumberedEntity | UnnumberedRelation) => unknown,
  cites: (hit: UnnumberedEntity | UnnumberedRelation) => Iterable<C>,
  chunkIdOf: (chunk: C) => string,
): GraphLookupResult {
  const keys = new FirstSeen<unknown>();
  const chunks = new FirstSeen<C>();
  const number = <H extends UnnumberedEntity | UnnumberedRelation>(hit: H) =>
    Object.assign(hit, {
      key: keys.number(identity(hit)),
      sources: Array.from(cites(hit), (chunk) => chunks.number(chunk)),
    });
  // Statements, not one object literal: the numbering follows this order.
  const localEntities = halves.local?.entities.map(number);
  const localRelations = halves.local?.relations.map(number);
  const globalRelations = halves.global?.relations.map(number);
  const globalEntities = halves.global?.entities.map(number);
  return {
    ...(localEntities && localRelations && { local: { entities: localEntities, relations: localRelations } }),
    ...(globalEntities &&
      globalRelations && { global: { entities: globalEntities, relations: globalRelations } }),
    chunkIds: chunks.values.map(chunkIdOf),
  };
}

/**
 * The ranked and numbered answer of a raw look-up (a statement's row): entities are one by
 * name, relations by endpoints.
 *
 * @example
 * const { local, chunkIds } = rankedLookup({ local: { entities, edges, degrees } });
 */
export function rankedLookup(raw: {
  local?: EntityNeighbourhood;
  global?: RelationEndpoints;
}): GraphLookupResult {
  return numberedAnswer(
    { local: raw.local && rankNeighbourhood(raw.local), global: raw.global && rankEndpoints(raw.global) },
    (hit) => ("src" in hit ? `r${pairKey(hit)}` : `e${hit.name}`),
    (hit) => splitSources(hit.sourceId),
    (id) => id,
  );
}
