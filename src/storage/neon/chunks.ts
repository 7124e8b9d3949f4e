/** Postgres adapter of the chunk store. */
import type { Pool } from "@neondatabase/serverless";
import type { ChunkRecord, ChunkStore } from "../chunks";
import { pgQuery, pgTransaction } from "./client";
import {
  type Columns,
  deleteInStatements,
  runAll,
  type Statement,
  selectList,
  upsertStatements,
} from "./sql";

const CHUNK_COLUMNS: Columns = {
  id: "text",
  doc_id: "text",
  chunk_order: "integer",
  tokens: "integer",
  content: "text",
  file_path: "text",
};

interface ChunkRow {
  id: string;
  doc_id: string;
  chunk_order: number;
  tokens: number;
  content: string;
  file_path: string;
}

const toRecord = (row: ChunkRow): ChunkRecord => ({
  id: row.id,
  docId: row.doc_id,
  order: row.chunk_order,
  tokens: row.tokens,
  content: row.content,
  filePath: row.file_path,
});

/** Statements deleting every chunk of `docIds`. */
export function deleteChunkStatements(workspace: string, docIds: string[]): Statement[] {
  return deleteInStatements("chunks", "doc_id", workspace, docIds);
}

export class PgChunkStore implements ChunkStore {
  constructor(private readonly pool: Pool) {}

  async upsert(workspace: string, chunks: ChunkRecord[]): Promise<void> {
    const rows = chunks.map((chunk) => ({
      id: chunk.id,
      doc_id: chunk.docId,
      chunk_order: chunk.order,
      tokens: chunk.tokens,
      content: chunk.content,
      file_path: chunk.filePath,
    }));
    const statements = upsertStatements("chunks", CHUNK_COLUMNS, ["id"], [], workspace, rows);
    if (statements.length === 0) return;
    await pgTransaction(this.pool, (tx) => runAll(tx, statements));
  }

  async get(workspace: string, ids: string[]): Promise<ChunkRecord[]> {
    if (ids.length === 0) return [];
    const rows = await pgQuery<ChunkRow>(
      this.pool,
      `SELECT ${selectList(CHUNK_COLUMNS)} FROM chunks WHERE workspace = $1 AND id = ANY($2::text[])`,
      [workspace, ids],
    );
    return rows.map(toRecord);
  }

  async byDocument(workspace: string, docId: string): Promise<ChunkRecord[]> {
    const rows = await pgQuery<ChunkRow>(
      this.pool,
      `SELECT ${selectList(CHUNK_COLUMNS)} FROM chunks WHERE workspace = $1 AND doc_id = $2 ORDER BY chunk_order`,
      [workspace, docId],
    );
    return rows.map(toRecord);
  }

  async deleteByDocuments(workspace: string, docIds: string[]): Promise<string[]> {
    if (docIds.length === 0) return [];
    const rows = await pgQuery<{ id: string }>(
      this.pool,
      "DELETE FROM chunks WHERE workspace = $1 AND doc_id = ANY($2::text[]) RETURNING id",
      [workspace, docIds],
    );
    return rows.map((row) => row.id);
  }
}
