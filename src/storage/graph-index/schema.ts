/**
 * The graph index's own SQLite tables: the columns of D1's `entities` and `relations` (so the
 * shared look-up statement runs unchanged) and the indexes it needs, the chunks' texts (for
 * BM25), plus its bookkeeping.
 */
import {
  ENTITY_COLUMNS as ENTITY_ROW_COLUMNS,
  RELATION_COLUMNS as RELATION_ROW_COLUMNS,
} from "../d1/graph-statements";

export const GRAPH_INDEX_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS entities (workspace TEXT NOT NULL, name TEXT NOT NULL,
    entity_type TEXT NOT NULL, description TEXT NOT NULL, source_id TEXT NOT NULL,
    file_path TEXT NOT NULL, created_at INTEGER NOT NULL, vector_id TEXT NOT NULL, line_tokens INTEGER,
    PRIMARY KEY (workspace, name))`,
  "CREATE INDEX IF NOT EXISTS entities_vector_idx ON entities (workspace, vector_id)",
  `CREATE TABLE IF NOT EXISTS relations (workspace TEXT NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL,
    keywords TEXT NOT NULL, description TEXT NOT NULL, weight REAL NOT NULL, source_id TEXT NOT NULL,
    file_path TEXT NOT NULL, created_at INTEGER NOT NULL, vector_id TEXT NOT NULL, line_tokens INTEGER,
    PRIMARY KEY (workspace, src, tgt))`,
  "CREATE INDEX IF NOT EXISTS relations_tgt_idx ON relations (workspace, tgt)",
  "CREATE INDEX IF NOT EXISTS relations_vector_idx ON relations (workspace, vector_id)",
  // Chunk texts, for the in-memory BM25 of chunks (the look-up needs nothing else of them).
  "CREATE TABLE IF NOT EXISTS chunks (id TEXT PRIMARY KEY, content TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS index_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
  // A rebuild fills these page by page (memory stays one page), then swaps them in at once.
  "CREATE TABLE IF NOT EXISTS next_entities AS SELECT * FROM entities WHERE 0",
  "CREATE TABLE IF NOT EXISTS next_relations AS SELECT * FROM relations WHERE 0",
  "CREATE TABLE IF NOT EXISTS next_chunks AS SELECT * FROM chunks WHERE 0",
];

/** Every column the copy keeps, in D1's order. */
export const ENTITY_COLUMNS = ["workspace", ...ENTITY_ROW_COLUMNS] as const;
export const RELATION_COLUMNS = ["workspace", ...RELATION_ROW_COLUMNS] as const;

/** Rows copied per D1 read while rebuilding. */
export const REBUILD_PAGE = 2000;
/** Chunks copied per D1 read: a chunk's text is a few KB, a graph row's a few hundred bytes. */
export const CHUNK_REBUILD_PAGE = 200;
