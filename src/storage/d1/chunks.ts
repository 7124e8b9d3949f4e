/** D1 adapter of the chunk store. */
import type { ChunkRecord, ChunkStore } from "../chunks";
import { type GraphChangeListener, requireGraphChangeListener } from "./graph-change";
import { bulkDelete, bulkUpsert, selectIn } from "./sql";

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
export function deleteChunkStatements(
  db: D1Database,
  workspace: string,
  docIds: string[],
): D1PreparedStatement[] {
  return bulkDelete(db, "chunks", "doc_id", workspace, docIds);
}

/** Chunk writes tell `onGraphChange` too: the graph index copies chunk texts for its BM25. */
export class D1ChunkStore implements ChunkStore {
  constructor(
    private readonly db: D1Database,
    private readonly onGraphChange: GraphChangeListener,
  ) {
    requireGraphChangeListener(onGraphChange);
  }

  async upsert(workspace: string, chunks: ChunkRecord[]): Promise<void> {
    const rows = chunks.map((chunk) => ({
      id: chunk.id,
      doc_id: chunk.docId,
      chunk_order: chunk.order,
      tokens: chunk.tokens,
      content: chunk.content,
      file_path: chunk.filePath,
    }));
    const statements = bulkUpsert(
      this.db,
      "chunks",
      ["id", "doc_id", "chunk_order", "tokens", "content", "file_path"],
      workspace,
      rows,
    );
    if (statements.length === 0) return;
    await this.db.batch(statements);
    await this.onGraphChange(workspace);
  }

  async get(workspace: string, ids: string[]): Promise<ChunkRecord[]> {
    const rows = await selectIn<ChunkRow>(
      this.db,
      "SELECT * FROM chunks WHERE workspace = ?1 AND id IN (SELECT value FROM json_each(?2))",
      workspace,
      ids,
    );
    return rows.map(toRecord);
  }

  async byDocument(workspace: string, docId: string): Promise<ChunkRecord[]> {
    const { results } = await this.db
      .prepare("SELECT * FROM chunks WHERE workspace = ?1 AND doc_id = ?2 ORDER BY chunk_order")
      .bind(workspace, docId)
      .all<ChunkRow>();
    return results.map(toRecord);
  }

  async deleteByDocuments(workspace: string, docIds: string[]): Promise<string[]> {
    const ids = await selectIn<{ id: string }>(
      this.db,
      "SELECT id FROM chunks WHERE workspace = ?1 AND doc_id IN (SELECT value FROM json_each(?2))",
      workspace,
      docIds,
    );
    const statements = deleteChunkStatements(this.db, workspace, docIds);
    if (statements.length > 0) {
      await this.db.batch(statements);
      await this.onGraphChange(workspace);
    }
    return ids.map((row) => row.id);
  }
}
