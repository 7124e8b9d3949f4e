/** D1 adapter of the extraction store: raw results in `chunk_extractions`, live sources in `*_sources`. */
import type { ChunkExtraction, EntitySource, ExtractionStore, RelationSource } from "../extractions";
import type { EdgeKey } from "../graph";
import { bulkDelete, bulkUpsert, parseJson, selectIn } from "./sql";

interface ResultRow {
  chunk_id: string;
  doc_id: string;
  file_path: string;
  result: string;
}

interface EntitySourceRow {
  name: string;
  chunk_id: string;
  doc_id: string;
  entity_type: string;
  description: string;
  file_path: string;
}

interface RelationSourceRow {
  src: string;
  tgt: string;
  chunk_id: string;
  doc_id: string;
  keywords: string;
  description: string;
  weight: number;
  file_path: string;
}

function toExtraction(row: ResultRow): ChunkExtraction {
  const parsed = parseJson<Pick<ChunkExtraction, "entities" | "relations">>(row.result, {
    entities: [],
    relations: [],
  });
  return {
    chunkId: row.chunk_id,
    docId: row.doc_id,
    filePath: row.file_path,
    entities: parsed.entities ?? [],
    relations: parsed.relations ?? [],
  };
}

export const ENTITY_SOURCE_COLUMNS = [
  "name",
  "chunk_id",
  "doc_id",
  "entity_type",
  "description",
  "file_path",
] as const;
export const RELATION_SOURCE_COLUMNS = [
  "src",
  "tgt",
  "chunk_id",
  "doc_id",
  "keywords",
  "description",
  "weight",
  "file_path",
] as const;

export const entitySourceRow = (source: EntitySource) => ({
  name: source.name,
  chunk_id: source.chunkId,
  doc_id: source.docId,
  entity_type: source.type,
  description: source.description,
  file_path: source.filePath,
});

export const relationSourceRow = (source: RelationSource) => ({
  src: source.src,
  tgt: source.tgt,
  chunk_id: source.chunkId,
  doc_id: source.docId,
  keywords: source.keywords,
  description: source.description,
  weight: source.weight,
  file_path: source.filePath,
});

/** Statements deleting the raw results of `docIds`. */
export function deleteResultStatements(
  db: D1Database,
  workspace: string,
  docIds: string[],
): D1PreparedStatement[] {
  return bulkDelete(db, "chunk_extractions", "doc_id", workspace, docIds);
}

/**
 * Sources of the (src, tgt) pairs in ?2. `CROSS JOIN` keeps `json_each` as the outer loop, so
 * each pair is a primary-key look-up; a plain JOIN let SQLite scan the workspace's sources.
 */
export const RELATION_SOURCES_OF_PAIRS = `SELECT s.* FROM json_each(?2) AS j CROSS JOIN relation_sources AS s
  ON s.workspace = ?1 AND s.src = json_extract(j.value, '$.src') AND s.tgt = json_extract(j.value, '$.tgt')`;

export class D1ExtractionStore implements ExtractionStore {
  constructor(private readonly db: D1Database) {}

  async putResults(workspace: string, results: ChunkExtraction[]): Promise<void> {
    const rows = results.map((result) => ({
      chunk_id: result.chunkId,
      doc_id: result.docId,
      file_path: result.filePath,
      result: JSON.stringify({ entities: result.entities, relations: result.relations }),
    }));
    const statements = bulkUpsert(
      this.db,
      "chunk_extractions",
      ["chunk_id", "doc_id", "file_path", "result"],
      workspace,
      rows,
    );
    if (statements.length > 0) await this.db.batch(statements);
  }

  async results(workspace: string, chunkIds: string[]): Promise<ChunkExtraction[]> {
    const rows = await selectIn<ResultRow>(
      this.db,
      "SELECT * FROM chunk_extractions WHERE workspace = ?1 AND chunk_id IN (SELECT value FROM json_each(?2))",
      workspace,
      chunkIds,
    );
    return rows.map(toExtraction);
  }

  async resultsByDocuments(workspace: string, docIds: string[]): Promise<ChunkExtraction[]> {
    const rows = await selectIn<ResultRow>(
      this.db,
      "SELECT * FROM chunk_extractions WHERE workspace = ?1 AND doc_id IN (SELECT value FROM json_each(?2)) ORDER BY chunk_id",
      workspace,
      docIds,
    );
    return rows.map(toExtraction);
  }

  async deleteResultsByDocuments(workspace: string, docIds: string[]): Promise<void> {
    const statements = deleteResultStatements(this.db, workspace, docIds);
    if (statements.length > 0) await this.db.batch(statements);
  }

  async entitySources(workspace: string, names: string[]): Promise<EntitySource[]> {
    const rows = await selectIn<EntitySourceRow>(
      this.db,
      "SELECT * FROM entity_sources WHERE workspace = ?1 AND name IN (SELECT value FROM json_each(?2))",
      workspace,
      names,
    );
    return rows.map((row) => ({
      name: row.name,
      chunkId: row.chunk_id,
      docId: row.doc_id,
      type: row.entity_type,
      description: row.description,
      filePath: row.file_path,
    }));
  }

  async relationSources(workspace: string, pairs: EdgeKey[]): Promise<RelationSource[]> {
    const rows = await selectIn<RelationSourceRow>(
      this.db,
      RELATION_SOURCES_OF_PAIRS,
      workspace,
      pairs.map(({ src, tgt }) => ({ src, tgt })),
    );
    return rows.map((row) => ({
      src: row.src,
      tgt: row.tgt,
      chunkId: row.chunk_id,
      docId: row.doc_id,
      keywords: row.keywords,
      description: row.description,
      weight: row.weight,
      filePath: row.file_path,
    }));
  }

  async touchedBy(workspace: string, docIds: string[]): Promise<{ names: string[]; pairs: EdgeKey[] }> {
    const names = await selectIn<{ name: string }>(
      this.db,
      "SELECT DISTINCT name FROM entity_sources WHERE workspace = ?1 AND doc_id IN (SELECT value FROM json_each(?2))",
      workspace,
      docIds,
    );
    const pairs = await selectIn<EdgeKey>(
      this.db,
      "SELECT DISTINCT src, tgt FROM relation_sources WHERE workspace = ?1 AND doc_id IN (SELECT value FROM json_each(?2))",
      workspace,
      docIds,
    );
    return { names: [...new Set(names.map((row) => row.name))], pairs };
  }
}
