/**
 * D1 adapter of the query-side graph port: each look-up is one `db.batch` of three reads
 * (records, edges or endpoints, degrees), so a `local` or `global` search costs one round trip
 * after the vector query. `CROSS JOIN` keeps `json_each` as the outer loop (index look-ups).
 */
import type { EntityRecord, RelationRecord } from "../graph";
import type { EntityNeighbourhood, GraphSearchStore, RelationEndpoints } from "../graph-search";
import { type EntityRow, type RelationRow, toEntity, toRelation } from "./graph-statements";

const ENTITY_NAMES = `names AS (SELECT e.name FROM json_each(?2) AS j
  CROSS JOIN entities AS e ON e.workspace = ?1 AND e.vector_id = j.value)`;
const EDGES_OF_NAMES = `SELECT r.* FROM relations AS r WHERE r.workspace = ?1 AND r.src IN (SELECT name FROM names)
  UNION SELECT r.* FROM relations AS r WHERE r.workspace = ?1 AND r.tgt IN (SELECT name FROM names)`;
const RELATION_PAIRS = `rels AS (SELECT r.src, r.tgt FROM json_each(?2) AS j
  CROSS JOIN relations AS r ON r.workspace = ?1 AND r.vector_id = j.value)`;
const DEGREE_OF_ENDS = `SELECT ends.name AS name,
  (SELECT count(*) FROM relations AS r WHERE r.workspace = ?1 AND r.src = ends.name)
  + (SELECT count(*) FROM relations AS r WHERE r.workspace = ?1 AND r.tgt = ends.name) AS degree FROM ends`;

interface DegreeRow {
  name: string;
  degree: number;
}

function ordered<R, T>(ids: string[], rows: (R & { vector_id: string })[], map: (row: R) => T): T[] {
  const byId = new Map(rows.map((row) => [row.vector_id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [map(row)] : [];
  });
}

export class D1GraphSearchStore implements GraphSearchStore {
  constructor(private readonly db: D1Database) {}

  async entitiesWithEdges(workspace: string, vectorIds: string[]): Promise<EntityNeighbourhood> {
    if (vectorIds.length === 0) return { entities: [], edges: [], degrees: new Map() };
    const ids = JSON.stringify([...new Set(vectorIds)]);
    const [entities, edges, degrees] = await this.db.batch<unknown>([
      this.db
        .prepare(
          "SELECT e.* FROM json_each(?2) AS j CROSS JOIN entities AS e ON e.workspace = ?1 AND e.vector_id = j.value",
        )
        .bind(workspace, ids),
      this.db.prepare(`WITH ${ENTITY_NAMES} ${EDGES_OF_NAMES}`).bind(workspace, ids),
      this.db
        .prepare(
          `WITH ${ENTITY_NAMES}, edges AS (${EDGES_OF_NAMES}),
           ends AS (SELECT name FROM names UNION SELECT src FROM edges UNION SELECT tgt FROM edges) ${DEGREE_OF_ENDS}`,
        )
        .bind(workspace, ids),
    ]);
    return {
      entities: ordered<EntityRow, EntityRecord>(vectorIds, rowsOf(entities), toEntity),
      edges: rowsOf<RelationRow>(edges).map(toRelation),
      degrees: degreeMap(degrees),
    };
  }

  async relationsWithEndpoints(workspace: string, vectorIds: string[]): Promise<RelationEndpoints> {
    if (vectorIds.length === 0) return { relations: [], entities: [], degrees: new Map() };
    const ids = JSON.stringify([...new Set(vectorIds)]);
    const ends = "ends AS (SELECT src AS name FROM rels UNION SELECT tgt FROM rels)";
    const [relations, entities, degrees] = await this.db.batch<unknown>([
      this.db
        .prepare(
          "SELECT r.* FROM json_each(?2) AS j CROSS JOIN relations AS r ON r.workspace = ?1 AND r.vector_id = j.value",
        )
        .bind(workspace, ids),
      this.db
        .prepare(
          `WITH ${RELATION_PAIRS}, ${ends} SELECT e.* FROM ends CROSS JOIN entities AS e ON e.workspace = ?1 AND e.name = ends.name`,
        )
        .bind(workspace, ids),
      this.db.prepare(`WITH ${RELATION_PAIRS}, ${ends} ${DEGREE_OF_ENDS}`).bind(workspace, ids),
    ]);
    return {
      relations: ordered<RelationRow, RelationRecord>(vectorIds, rowsOf(relations), toRelation),
      entities: rowsOf<EntityRow>(entities).map(toEntity),
      degrees: degreeMap(degrees),
    };
  }
}

function rowsOf<T>(result: D1Result<unknown> | undefined): (T & { vector_id: string })[] {
  return (result?.results ?? []) as (T & { vector_id: string })[];
}

function degreeMap(result: D1Result<unknown> | undefined): Map<string, number> {
  return new Map(rowsOf<DegreeRow>(result).map((row) => [row.name, row.degree]));
}
