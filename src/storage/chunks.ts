/** Port for text chunks (LightRAG's `text_chunks` KV). */

export interface ChunkRecord {
  /** `{docId}-chunk-{order:03d}`. */
  id: string;
  docId: string;
  order: number;
  tokens: number;
  content: string;
  filePath: string;
}

export interface ChunkStore {
  /** Inserts or replaces chunks (idempotent on replay: ids are deterministic). */
  upsert(workspace: string, chunks: ChunkRecord[]): Promise<void>;
  /** Chunks by id, in no particular order; missing ids are skipped. */
  get(workspace: string, ids: string[]): Promise<ChunkRecord[]>;
  byDocument(workspace: string, docId: string): Promise<ChunkRecord[]>;
  /** Deletes every chunk of these documents; returns the deleted chunk ids. */
  deleteByDocuments(workspace: string, docIds: string[]): Promise<string[]>;
}
