/**
 * A graph look-up's answer as the query ranks it (LightRAG's `_get_node_data` and
 * `_get_edge_data`): entities by degree, edges by edge degree, and the chunks the hits cite
 * numbered once, so the related-chunk selection compares numbers instead of id strings. The
 * D1 and Postgres statements' rows are ranked here; the graph index's in-memory copy ranks its
 * own records the same way (memory-graph.ts) and the tests hold the two equal.
 */
import { type EdgeKey, type RelationRecord, splitSources } from "./graph";
import type {
  EntityNeighbourhood,
  GraphHits,
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
export function byRankThenWeight(a: RankedRelation, b: RankedRelation): number {
  return b.rank - a.rank || b.weight - a.weight || byCodeUnits(a.src, b.src) || byCodeUnits(a.tgt, b.tgt);
}

/** Each pair once (the first), ranked by the sum of its endpoints' degrees. */
function rankEdges(edges: RelationRecord[], degrees: ReadonlyMap<string, number>): RankedRelation[] {
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

/** `local`: the entities in found order, every edge touching them by (edge degree, weight, endpoints). */
function rankNeighbourhood(found: EntityNeighbourhood): GraphHits {
  const entities = found.entities.map((entity) => ({ ...entity, rank: found.degrees.get(entity.name) ?? 0 }));
  return { entities, relations: rankEdges(found.edges, found.degrees).sort(byRankThenWeight) };
}

/** `global`: the relations in found order, then their endpoints in order of first appearance. */
function rankEndpoints(found: RelationEndpoints): GraphHits {
  const relations = rankEdges(found.relations, found.degrees);
  const byName = new Map(found.entities.map((record) => [record.name, record]));
  const entities: RankedEntity[] = [];
  for (const name of new Set(relations.flatMap((edge) => [edge.src, edge.tgt]))) {
    const record = byName.get(name);
    if (record) entities.push({ ...record, rank: found.degrees.get(name) ?? 0 });
  }
  return { entities, relations };
}

/**
 * The hits of a look-up in the order their chunks are numbered: local entities, local
 * relations, global relations, global entities.
 *
 * @example
 * for (const hit of hitsInOrder(result)) hit.sources;
 */
export function* hitsInOrder(
  halves: Pick<GraphLookupResult, "local" | "global">,
): Generator<RankedEntity | RankedRelation> {
  if (halves.local) {
    yield* halves.local.entities;
    yield* halves.local.relations;
  }
  if (halves.global) {
    yield* halves.global.relations;
    yield* halves.global.entities;
  }
}

/**
 * The ranked answer of a raw look-up, every hit's `sources` numbered (first cited, first
 * numbered, in `hitsInOrder`) and its `key` (first seen, first numbered: entities by name,
 * relations by endpoints).
 *
 * @example
 * const { local, chunkIds } = rankedLookup({ local: { entities, edges, degrees } });
 */
export function rankedLookup(raw: {
  local?: EntityNeighbourhood;
  global?: RelationEndpoints;
}): GraphLookupResult {
  const halves = {
    ...(raw.local && { local: rankNeighbourhood(raw.local) }),
    ...(raw.global && { global: rankEndpoints(raw.global) }),
  };
  const chunkIds: string[] = [];
  const slotOf = new Map<string, number>();
  const keyOf = new Map<string, number>();
  for (const hit of hitsInOrder(halves)) {
    const identity = "src" in hit ? `r${pairKey(hit)}` : `e${hit.name}`;
    hit.key = keyOf.get(identity) ?? keyOf.set(identity, keyOf.size).size - 1;
    hit.sources = splitSources(hit.sourceId).map((id) => {
      let slot = slotOf.get(id);
      if (slot === undefined) {
        slot = chunkIds.push(id) - 1;
        slotOf.set(id, slot);
      }
      return slot;
    });
  }
  return { ...halves, chunkIds };
}
