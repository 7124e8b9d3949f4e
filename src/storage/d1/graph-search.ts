/**
 * D1 adapter of the query-side graph port: a `local` look-up is three reads (entities, their
 * edges, degrees), a `global` one three more (relations, endpoints, degrees), and whatever a
 * query needs goes to D1 as one `db.batch`, so retrieval costs one round trip after the vector
 * queries. `CROSS JOIN` keeps `json_each` as the outer loop (index look-ups).
 */
import type { EntityRecord, RelationRecord } from "../graph";
import type {
  EntityNeighbourhood,
  GraphLookup,
  GraphLookupResult,
  GraphSearchStore,
  RelationEndpoints,
} from "../graph-search";
import { type EntityRow, type RelationRow, toEntity, toRelation } from "./graph-statements";

const ENTITY_NAMES = `names AS (SELECT e.name FROM json_each(?2) AS j
  CROSS JOIN entities AS e ON e.workspace = ?1 AND e.vector_id = j.value)`;
const EDGES_OF_NAMES = `SELECT r.* FROM relations AS r WHERE r.workspace = ?1 AND r.src IN (SELECT name FROM names)
  UNION SELECT r.* FROM relations AS r WHERE r.workspace = ?1 AND r.tgt IN (SELECT name FROM names)`;
const RELATION_PAIRS = `rels AS (SELECT r.src, r.tgt FROM json_each(?2) AS j
  CROSS JOIN relations AS r ON r.workspace = ?1 AND r.vector_id = j.value)`;
const RELATION_ENDS = "ends AS (SELECT src AS name FROM rels UNION SELECT tgt FROM rels)";
const DEGREE_OF_ENDS = `SELECT ends.name AS name,
  (SELECT count(*) FROM relations AS r WHERE r.workspace = ?1 AND r.src = ends.name)
  + (SELECT count(*) FROM relations AS r WHERE r.workspace = ?1 AND r.tgt = ends.name) AS degree FROM ends`;

const LOCAL_READS = [
  "SELECT e.* FROM json_each(?2) AS j CROSS JOIN entities AS e ON e.workspace = ?1 AND e.vector_id = j.value",
  `WITH ${ENTITY_NAMES} ${EDGES_OF_NAMES}`,
  `WITH ${ENTITY_NAMES}, edges AS (${EDGES_OF_NAMES}),
   ends AS (SELECT name FROM names UNION SELECT src FROM edges UNION SELECT tgt FROM edges) ${DEGREE_OF_ENDS}`,
];
const GLOBAL_READS = [
  "SELECT r.* FROM json_each(?2) AS j CROSS JOIN relations AS r ON r.workspace = ?1 AND r.vector_id = j.value",
  `WITH ${RELATION_PAIRS}, ${RELATION_ENDS} SELECT e.* FROM ends CROSS JOIN entities AS e ON e.workspace = ?1 AND e.name = ends.name`,
  `WITH ${RELATION_PAIRS}, ${RELATION_ENDS} ${DEGREE_OF_ENDS}`,
];

interface DegreeRow {
  name: string;
  degree: number;
}

type Results = (D1Result<unknown> | undefined)[];

function ordered<R, T>(ids: string[], rows: (R & { vector_id: string })[], map: (row: R) => T): T[] {
  const byId = new Map(rows.map((row) => [row.vector_id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [map(row)] : [];
  });
}

function neighbourhood(ids: string[], [entities, edges, degrees]: Results): EntityNeighbourhood {
  return {
    entities: ordered<EntityRow, EntityRecord>(ids, rowsOf(entities), toEntity),
    edges: rowsOf<RelationRow>(edges).map(toRelation),
    degrees: degreeMap(degrees),
  };
}

function endpoints(ids: string[], [relations, entities, degrees]: Results): RelationEndpoints {
  return {
    relations: ordered<RelationRow, RelationRecord>(ids, rowsOf(relations), toRelation),
    entities: rowsOf<EntityRow>(entities).map(toEntity),
    degrees: degreeMap(degrees),
  };
}

export class D1GraphSearchStore implements GraphSearchStore {
  constructor(private readonly db: D1Database) {}

  async lookup(workspace: string, request: GraphLookup): Promise<GraphLookupResult> {
    const { entityVectorIds: entityIds, relationVectorIds: relationIds } = request;
    const reads = (sqls: string[], ids: string[] | undefined) =>
      ids?.length
        ? sqls.map((sql) => this.db.prepare(sql).bind(workspace, JSON.stringify([...new Set(ids)])))
        : [];
    const local = reads(LOCAL_READS, entityIds);
    const global = reads(GLOBAL_READS, relationIds);
    const statements = [...local, ...global];
    const results: Results = statements.length > 0 ? await this.db.batch<unknown>(statements) : [];
    return {
      ...(entityIds && { local: neighbourhood(entityIds, results.slice(0, local.length)) }),
      ...(relationIds && { global: endpoints(relationIds, results.slice(local.length)) }),
    };
  }
}

function rowsOf<T>(result: D1Result<unknown> | undefined): (T & { vector_id: string })[] {
  return (result?.results ?? []) as (T & { vector_id: string })[];
}

function degreeMap(result: D1Result<unknown> | undefined): Map<string, number> {
  return new Map(rowsOf<DegreeRow>(result).map((row) => [row.name, row.degree]));
}
