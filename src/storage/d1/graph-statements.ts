/** SQL statements that write the graph tables; shared by the graph store and the commit writer. */
import type { EdgeKey, EntityRecord, GraphWrite, RelationRecord } from "../graph";
import { entityVectorId, relationVectorId } from "../vector-ids";
import { bulkMerge, jsonBatches } from "./sql";

export interface EntityRow {
  name: string;
  entity_type: string;
  description: string;
  source_id: string;
  file_path: string;
  created_at: number;
  line_tokens?: number | null;
}

export interface RelationRow {
  src: string;
  tgt: string;
  keywords: string;
  description: string;
  weight: number;
  source_id: string;
  file_path: string;
  created_at: number;
  line_tokens?: number | null;
}

/** Columns of `entities` after `workspace`. */
export const ENTITY_COLUMNS = [
  "name",
  "entity_type",
  "description",
  "source_id",
  "file_path",
  "created_at",
  "vector_id",
  "line_tokens",
] as const;

/** Columns of `relations` after `workspace`. */
export const RELATION_COLUMNS = [
  "src",
  "tgt",
  "keywords",
  "description",
  "weight",
  "source_id",
  "file_path",
  "created_at",
  "vector_id",
  "line_tokens",
] as const;

export const toEntity = (row: EntityRow): EntityRecord => ({
  name: row.name,
  entityType: row.entity_type,
  description: row.description,
  sourceId: row.source_id,
  filePath: row.file_path,
  createdAt: row.created_at,
  ...(typeof row.line_tokens === "number" && { lineTokens: row.line_tokens }),
});

export const toRelation = (row: RelationRow): RelationRecord => ({
  src: row.src,
  tgt: row.tgt,
  keywords: row.keywords,
  description: row.description,
  weight: row.weight,
  sourceId: row.source_id,
  filePath: row.file_path,
  createdAt: row.created_at,
  ...(typeof row.line_tokens === "number" && { lineTokens: row.line_tokens }),
});

/** Statements applying `change` (deletes first); existing rows keep their `created_at`. */
export function graphWriteStatements(
  db: D1Database,
  workspace: string,
  change: GraphWrite,
): D1PreparedStatement[] {
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
  return [
    ...deleteEdges(db, workspace, change.deleteRelations),
    ...jsonBatches(change.deleteEntities).map((json) =>
      db
        .prepare("DELETE FROM entities WHERE workspace = ?1 AND name IN (SELECT value FROM json_each(?2))")
        .bind(workspace, json),
    ),
    ...bulkMerge(db, "entities", [...ENTITY_COLUMNS], ["name"], ["created_at"], workspace, entityRows),
    ...bulkMerge(
      db,
      "relations",
      [...RELATION_COLUMNS],
      ["src", "tgt"],
      ["created_at"],
      workspace,
      relationRows,
    ),
  ];
}

function deleteEdges(db: D1Database, workspace: string, keys: EdgeKey[]): D1PreparedStatement[] {
  return jsonBatches(keys.map(({ src, tgt }) => ({ src, tgt }))).map((json) =>
    db
      .prepare(
        `DELETE FROM relations WHERE workspace = ?1 AND (src, tgt) IN
           (SELECT json_extract(value, '$.src'), json_extract(value, '$.tgt') FROM json_each(?2))`,
      )
      .bind(workspace, json),
  );
}
