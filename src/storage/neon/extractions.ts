/** Postgres adapter of the extraction store: raw results in `chunk_extractions`, live sources in `*_sources`. */
import type { Pool } from "@neondatabase/serverless";
import { entitySourceRow, relationSourceRow } from "../d1/extractions";
import type { ChunkExtraction, EntitySource, ExtractionStore, RelationSource } from "../extractions";
import type { EdgeKey } from "../graph";
import { pgQuery, pgTransaction } from "./client";
import {
  type Columns,
  deleteInStatements,
  parseJson,
  runAll,
  type Statement,
  selectPairs,
  upsertStatements,
} from "./sql";

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

const RESULT_COLUMNS: Columns = { chunk_id: "text", doc_id: "text", file_path: "text", result: "text" };
const ENTITY_SOURCE_COLUMNS: Columns = {
  name: "text",
  chunk_id: "text",
  doc_id: "text",
  entity_type: "text",
  description: "text",
  file_path: "text",
};
const RELATION_SOURCE_COLUMNS: Columns = {
  src: "text",
  tgt: "text",
  chunk_id: "text",
  doc_id: "text",
  keywords: "text",
  description: "text",
  weight: "double precision",
  file_path: "text",
};

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

/** Statements replacing the live source rows of a commit (shared with the writer). */
export function sourceUpsertStatements(
  workspace: string,
  entitySources: EntitySource[],
  relationSources: RelationSource[],
): Statement[] {
  return [
    ...upsertStatements(
      "entity_sources",
      ENTITY_SOURCE_COLUMNS,
      ["name", "chunk_id"],
      [],
      workspace,
      entitySources.map(entitySourceRow),
    ),
    ...upsertStatements(
      "relation_sources",
      RELATION_SOURCE_COLUMNS,
      ["src", "tgt", "chunk_id"],
      [],
      workspace,
      relationSources.map(relationSourceRow),
    ),
  ];
}

/** Statements deleting the raw results of `docIds`. */
export function deleteResultStatements(workspace: string, docIds: string[]): Statement[] {
  return deleteInStatements("chunk_extractions", "doc_id", workspace, docIds);
}

export class PgExtractionStore implements ExtractionStore {
  constructor(private readonly pool: Pool) {}

  async putResults(workspace: string, results: ChunkExtraction[]): Promise<void> {
    const rows = results.map((result) => ({
      chunk_id: result.chunkId,
      doc_id: result.docId,
      file_path: result.filePath,
      result: JSON.stringify({ entities: result.entities, relations: result.relations }),
    }));
    const statements = upsertStatements(
      "chunk_extractions",
      RESULT_COLUMNS,
      ["chunk_id"],
      [],
      workspace,
      rows,
    );
    if (statements.length > 0) await pgTransaction(this.pool, (tx) => runAll(tx, statements));
  }

  async results(workspace: string, chunkIds: string[]): Promise<ChunkExtraction[]> {
    if (chunkIds.length === 0) return [];
    const rows = await pgQuery<ResultRow>(
      this.pool,
      "SELECT * FROM chunk_extractions WHERE workspace = $1 AND chunk_id = ANY($2::text[])",
      [workspace, chunkIds],
    );
    return rows.map(toExtraction);
  }

  async resultsByDocuments(workspace: string, docIds: string[]): Promise<ChunkExtraction[]> {
    if (docIds.length === 0) return [];
    const rows = await pgQuery<ResultRow>(
      this.pool,
      'SELECT * FROM chunk_extractions WHERE workspace = $1 AND doc_id = ANY($2::text[]) ORDER BY chunk_id COLLATE "C"',
      [workspace, docIds],
    );
    return rows.map(toExtraction);
  }

  async deleteResultsByDocuments(workspace: string, docIds: string[]): Promise<void> {
    await runAll(this.pool, deleteResultStatements(workspace, docIds));
  }

  async entitySources(workspace: string, names: string[]): Promise<EntitySource[]> {
    if (names.length === 0) return [];
    const rows = await pgQuery<EntitySourceRow>(
      this.pool,
      "SELECT * FROM entity_sources WHERE workspace = $1 AND name = ANY($2::text[])",
      [workspace, names],
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
    const rows = await selectPairs<RelationSourceRow>(
      this.pool,
      `SELECT s.* FROM json_to_recordset($2::json) AS x(src text, tgt text)
         JOIN relation_sources AS s ON s.workspace = $1 AND s.src = x.src AND s.tgt = x.tgt`,
      workspace,
      pairs,
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
    if (docIds.length === 0) return { names: [], pairs: [] };
    const [names, pairs] = await Promise.all([
      pgQuery<{ name: string }>(
        this.pool,
        "SELECT DISTINCT name FROM entity_sources WHERE workspace = $1 AND doc_id = ANY($2::text[])",
        [workspace, docIds],
      ),
      pgQuery<EdgeKey>(
        this.pool,
        "SELECT DISTINCT src, tgt FROM relation_sources WHERE workspace = $1 AND doc_id = ANY($2::text[])",
        [workspace, docIds],
      ),
    ]);
    return { names: names.map((row) => row.name), pairs };
  }
}
