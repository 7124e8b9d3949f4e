/**
 * Postgres adapter of the graph store: `entities` and `relations`, degrees computed on read,
 * the same queries as D1's (src/storage/d1/graph.ts) in Postgres' dialect.
 */
import type { Pool } from "@neondatabase/serverless";
import { type EntityRow, type RelationRow, toEntity, toRelation } from "../d1/graph-statements";
import type { EdgeKey, EntityRecord, GraphStore, GraphWrite, RelationRecord } from "../graph";
import { edgeKey } from "../graph";
import { neighbourhoodOf } from "../graph-walk";
import { entityVectorId, relationVectorId } from "../vector-ids";
import { pgQuery, pgTransaction } from "./client";
import {
  type Columns,
  deletePairStatements,
  runAll,
  type Statement,
  selectList,
  selectPairs,
  upsertStatements,
} from "./sql";

export const ENTITY_COLUMNS: Columns = {
  name: "text",
  entity_type: "text",
  description: "text",
  source_id: "text",
  file_path: "text",
  created_at: "bigint",
  vector_id: "text",
  line_tokens: "integer",
};

export const RELATION_COLUMNS: Columns = {
  src: "text",
  tgt: "text",
  keywords: "text",
  description: "text",
  weight: "double precision",
  source_id: "text",
  file_path: "text",
  created_at: "bigint",
  vector_id: "text",
  line_tokens: "integer",
};

/** Degree of the name in `column`: edges are stored once, so count both ends. */
export const degreeOf = (column: string) =>
  `((SELECT count(*) FROM relations r WHERE r.workspace = $1 AND r.src = ${column})
  + (SELECT count(*) FROM relations r WHERE r.workspace = $1 AND r.tgt = ${column}))`;

/** Statements applying `change` (deletes first); existing rows keep their `created_at`. */
export function graphWriteStatements(workspace: string, change: GraphWrite): Statement[] {
  const entityRows = change.upsertEntities.map((entity) => ({
    name: entity.name,
    entity_type: entity.entityType,
    description: entity.description,
    source_id: entity.sourceId,
    file_path: entity.filePath,
    created_at: entity.createdAt,
    vector_id: entityVectorId(entity.name),
    line_tokens: entity.lineTokens ?? null,
  }));
  const relationRows = change.upsertRelations.map((relation) => ({
    src: relation.src,
    tgt: relation.tgt,
    keywords: relation.keywords,
    description: relation.description,
    weight: relation.weight,
    source_id: relation.sourceId,
    file_path: relation.filePath,
    created_at: relation.createdAt,
    vector_id: relationVectorId(relation.src, relation.tgt),
    line_tokens: relation.lineTokens ?? null,
  }));
  const deleteEntities: Statement[] =
    change.deleteEntities.length === 0
      ? []
      : [
          {
            text: "DELETE FROM entities WHERE workspace = $1 AND name = ANY($2::text[])",
            values: [workspace, change.deleteEntities],
          },
        ];
  return [
    ...deletePairStatements("relations", workspace, change.deleteRelations),
    ...deleteEntities,
    ...upsertStatements("entities", ENTITY_COLUMNS, ["name"], ["created_at"], workspace, entityRows),
    ...upsertStatements(
      "relations",
      RELATION_COLUMNS,
      ["src", "tgt"],
      ["created_at"],
      workspace,
      relationRows,
    ),
  ];
}

export class PgGraphStore implements GraphStore {
  constructor(private readonly pool: Pool) {}

  async getEntities(workspace: string, names: string[]): Promise<EntityRecord[]> {
    if (names.length === 0) return [];
    const rows = await pgQuery<EntityRow>(
      this.pool,
      `SELECT ${selectList(ENTITY_COLUMNS)} FROM entities WHERE workspace = $1 AND name = ANY($2::text[])`,
      [workspace, [...new Set(names)]],
    );
    return rows.map(toEntity);
  }

  async getRelations(workspace: string, pairs: EdgeKey[]): Promise<RelationRecord[]> {
    const keys = new Map(
      pairs.map((pair) => edgeKey(pair.src, pair.tgt)).map((key) => [`${key.src}\u0000${key.tgt}`, key]),
    );
    const rows = await selectPairs<RelationRow>(
      this.pool,
      `SELECT ${selectList(RELATION_COLUMNS, "r")} FROM json_to_recordset($2::json) AS x(src text, tgt text)
         JOIN relations AS r ON r.workspace = $1 AND r.src = x.src AND r.tgt = x.tgt`,
      workspace,
      [...keys.values()],
    );
    return rows.map(toRelation);
  }

  async relationsOf(workspace: string, names: string[]): Promise<RelationRecord[]> {
    if (names.length === 0) return [];
    const rows = await pgQuery<RelationRow>(
      this.pool,
      `SELECT ${selectList(RELATION_COLUMNS)} FROM relations WHERE workspace = $1 AND src = ANY($2::text[])
       UNION SELECT ${selectList(RELATION_COLUMNS)} FROM relations WHERE workspace = $1 AND tgt = ANY($2::text[])`,
      [workspace, [...new Set(names)]],
    );
    return rows.map(toRelation);
  }

  async degrees(workspace: string, names: string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const rows = await pgQuery<{ name: string; degree: number }>(
      this.pool,
      `SELECT n.name, ${degreeOf("n.name")} AS degree FROM unnest($2::text[]) AS n(name)`,
      [workspace, [...new Set(names)]],
    );
    return new Map(rows.map((row) => [row.name, row.degree]));
  }

  async popularLabels(workspace: string, limit: number): Promise<string[]> {
    const rows = await pgQuery<{ name: string }>(
      this.pool,
      `SELECT e.name FROM entities e WHERE e.workspace = $1
       ORDER BY ${degreeOf("e.name")} DESC, e.name COLLATE "C" LIMIT $2`,
      [workspace, limit],
    );
    return rows.map((row) => row.name);
  }

  async allLabels(workspace: string, limit = 100_000): Promise<string[]> {
    const rows = await pgQuery<{ name: string }>(
      this.pool,
      'SELECT name FROM entities WHERE workspace = $1 ORDER BY name COLLATE "C" LIMIT $2',
      [workspace, limit],
    );
    return rows.map((row) => row.name);
  }

  async searchLabels(workspace: string, query: string, limit: number): Promise<string[]> {
    // strpos, not LIKE: no escaping of %, _ or \ and no pattern length limit (as D1's instr).
    // Postgres' lower() folds non-ASCII letters too, where SQLite's folds ASCII only.
    const rows = await pgQuery<{ name: string }>(
      this.pool,
      `SELECT name FROM entities WHERE workspace = $1 AND strpos(lower(name), lower($2)) > 0
       ORDER BY CASE WHEN lower(name) = lower($2) THEN 0 WHEN strpos(lower(name), lower($2)) = 1 THEN 1 ELSE 2 END,
         length(name), name COLLATE "C" LIMIT $3`,
      [workspace, query, limit],
    );
    return rows.map((row) => row.name);
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
    const [row] = await pgQuery<{ entities: number; relations: number }>(
      this.pool,
      `SELECT (SELECT count(*) FROM entities WHERE workspace = $1) AS entities,
              (SELECT count(*) FROM relations WHERE workspace = $1) AS relations`,
      [workspace],
    );
    return { entities: row?.entities ?? 0, relations: row?.relations ?? 0 };
  }

  async entityNames(workspace: string, vectorIds: string[]): Promise<string[]> {
    if (vectorIds.length === 0) return [];
    const rows = await pgQuery<{ vector_id: string; name: string }>(
      this.pool,
      "SELECT vector_id, name FROM entities WHERE workspace = $1 AND vector_id = ANY($2::text[])",
      [workspace, vectorIds],
    );
    const byId = new Map(rows.map((row) => [row.vector_id, row.name]));
    return vectorIds.flatMap((id) => byId.get(id) ?? []);
  }

  async relationPairs(workspace: string, vectorIds: string[]): Promise<EdgeKey[]> {
    if (vectorIds.length === 0) return [];
    const rows = await pgQuery<{ vector_id: string; src: string; tgt: string }>(
      this.pool,
      "SELECT vector_id, src, tgt FROM relations WHERE workspace = $1 AND vector_id = ANY($2::text[])",
      [workspace, vectorIds],
    );
    const byId = new Map(rows.map((row) => [row.vector_id, { src: row.src, tgt: row.tgt }]));
    return vectorIds.flatMap((id) => byId.get(id) ?? []);
  }

  async write(workspace: string, change: GraphWrite): Promise<void> {
    const statements = graphWriteStatements(workspace, change);
    if (statements.length === 0) return;
    await pgTransaction(this.pool, (tx) => runAll(tx, statements));
  }
}
