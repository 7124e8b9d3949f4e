/** D1 adapter of the graph store: `entities` and `relations` tables, degrees computed on read. */
import type { EdgeKey, EntityRecord, GraphStore, GraphWrite, RelationRecord } from "../graph";
import { edgeKey } from "../graph";
import { neighbourhoodOf } from "../graph-walk";
import { type GraphChangeListener, requireGraphChangeListener } from "./graph-change";
import {
  type EntityRow,
  graphWriteStatements,
  type RelationRow,
  toEntity,
  toRelation,
} from "./graph-statements";
import { selectIn } from "./sql";

const DEGREE = `((SELECT count(*) FROM relations r WHERE r.workspace = ?1 AND r.src = NAME)
  + (SELECT count(*) FROM relations r WHERE r.workspace = ?1 AND r.tgt = NAME))`;
const degreeOf = (column: string) => DEGREE.replaceAll("NAME", column);

export class D1GraphStore implements GraphStore {
  constructor(
    private readonly db: D1Database,
    private readonly onGraphChange: GraphChangeListener,
  ) {
    requireGraphChangeListener(onGraphChange);
  }

  async getEntities(workspace: string, names: string[]): Promise<EntityRecord[]> {
    const rows = await selectIn<EntityRow>(
      this.db,
      "SELECT * FROM entities WHERE workspace = ?1 AND name IN (SELECT value FROM json_each(?2))",
      workspace,
      [...new Set(names)],
    );
    return rows.map(toEntity);
  }

  async getRelations(workspace: string, pairs: EdgeKey[]): Promise<RelationRecord[]> {
    const keys = new Map(
      pairs.map((pair) => edgeKey(pair.src, pair.tgt)).map((key) => [`${key.src}\u0000${key.tgt}`, key]),
    );
    // CROSS JOIN keeps json_each as the outer loop; with a plain JOIN SQLite scanned every
    // relation of the workspace once per requested pair (seconds on a large graph).
    const rows = await selectIn<RelationRow>(
      this.db,
      `SELECT r.* FROM json_each(?2) AS j CROSS JOIN relations AS r
         ON r.workspace = ?1 AND r.src = json_extract(j.value, '$.src') AND r.tgt = json_extract(j.value, '$.tgt')`,
      workspace,
      [...keys.values()],
    );
    return rows.map(toRelation);
  }

  async relationsOf(workspace: string, names: string[]): Promise<RelationRecord[]> {
    const rows = await selectIn<RelationRow>(
      this.db,
      `SELECT * FROM relations WHERE workspace = ?1 AND src IN (SELECT value FROM json_each(?2))
       UNION SELECT * FROM relations WHERE workspace = ?1 AND tgt IN (SELECT value FROM json_each(?2))`,
      workspace,
      [...new Set(names)],
    );
    const unique = new Map(rows.map((row) => [`${row.src}\u0000${row.tgt}`, row]));
    return [...unique.values()].map(toRelation);
  }

  async degrees(workspace: string, names: string[]): Promise<Map<string, number>> {
    const rows = await selectIn<{ name: string; degree: number }>(
      this.db,
      `SELECT j.value AS name, ${degreeOf("j.value")} AS degree FROM json_each(?2) AS j`,
      workspace,
      [...new Set(names)],
    );
    return new Map(rows.map((row) => [row.name, row.degree]));
  }

  async popularLabels(workspace: string, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT e.name AS name FROM entities e WHERE e.workspace = ?1 ORDER BY ${degreeOf("e.name")} DESC, e.name LIMIT ?2`,
      )
      .bind(workspace, limit)
      .all<{ name: string }>();
    return results.map((row) => row.name);
  }

  async allLabels(workspace: string, limit = 100_000): Promise<string[]> {
    const { results } = await this.db
      .prepare("SELECT name FROM entities WHERE workspace = ?1 ORDER BY name LIMIT ?2")
      .bind(workspace, limit)
      .all<{ name: string }>();
    return results.map((row) => row.name);
  }

  async searchLabels(workspace: string, query: string, limit: number): Promise<string[]> {
    // instr() instead of LIKE: D1 caps LIKE patterns at 50 bytes ("LIKE or GLOB pattern too
    // complex" for 17 CJK characters), and instr() needs no escaping of %, _ or \. lower() is
    // ASCII-only in SQLite, so the match is case-insensitive exactly where LIKE's was.
    const { results } = await this.db
      .prepare(
        `SELECT name FROM entities WHERE workspace = ?1 AND instr(lower(name), lower(?2)) > 0
         ORDER BY CASE WHEN lower(name) = lower(?2) THEN 0 WHEN instr(lower(name), lower(?2)) = 1 THEN 1 ELSE 2 END,
           length(name), name LIMIT ?3`,
      )
      .bind(workspace, query, limit)
      .all<{ name: string }>();
    return results.map((row) => row.name);
  }

  neighbourhood(
    workspace: string,
    label: string,
    maxDepth: number,
    maxNodes: number,
  ): Promise<{ entities: EntityRecord[]; relations: RelationRecord[]; truncated: boolean }> {
    return neighbourhoodOf(this, workspace, label, maxDepth, maxNodes);
  }

  async counts(workspace: string): Promise<{ entities: number; relations: number }> {
    const [entities, relations] = await this.db.batch<{ n: number }>([
      this.db.prepare("SELECT count(*) AS n FROM entities WHERE workspace = ?1").bind(workspace),
      this.db.prepare("SELECT count(*) AS n FROM relations WHERE workspace = ?1").bind(workspace),
    ]);
    return { entities: entities?.results[0]?.n ?? 0, relations: relations?.results[0]?.n ?? 0 };
  }

  async entityNames(workspace: string, vectorIds: string[]): Promise<string[]> {
    const rows = await selectIn<{ vector_id: string; name: string }>(
      this.db,
      "SELECT vector_id, name FROM entities WHERE workspace = ?1 AND vector_id IN (SELECT value FROM json_each(?2))",
      workspace,
      vectorIds,
    );
    const byId = new Map(rows.map((row) => [row.vector_id, row.name]));
    return vectorIds.flatMap((id) => byId.get(id) ?? []);
  }

  async relationPairs(workspace: string, vectorIds: string[]): Promise<EdgeKey[]> {
    const rows = await selectIn<{ vector_id: string; src: string; tgt: string }>(
      this.db,
      "SELECT vector_id, src, tgt FROM relations WHERE workspace = ?1 AND vector_id IN (SELECT value FROM json_each(?2))",
      workspace,
      vectorIds,
    );
    const byId = new Map(rows.map((row) => [row.vector_id, { src: row.src, tgt: row.tgt }]));
    return vectorIds.flatMap((id) => byId.get(id) ?? []);
  }

  async write(workspace: string, change: GraphWrite): Promise<void> {
    const statements = graphWriteStatements(this.db, workspace, change);
    if (statements.length === 0) return;
    await this.db.batch(statements);
    await this.onGraphChange(workspace);
  }
}
