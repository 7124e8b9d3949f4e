/**
 * D1 tables of the knowledge engine. Every primary key starts with `workspace` and every
 * query filters by it. docs/data-model.md describes each table.
 */
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Documents and their processing status (LightRAG's doc_status). Times are unix ms. */
export const documents = sqliteTable(
  "documents",
  {
    workspace: text("workspace").notNull(),
    id: text("id").notNull(),
    filePath: text("file_path").notNull(),
    contentHash: text("content_hash").notNull(),
    contentSummary: text("content_summary").notNull(),
    contentLength: integer("content_length").notNull(),
    status: text("status").notNull(),
    errorMsg: text("error_msg"),
    chunksCount: integer("chunks_count"),
    chunksList: text("chunks_list").notNull().default("[]"),
    trackId: text("track_id").notNull(),
    metadata: text("metadata").notNull().default("{}"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.id] }),
    index("documents_status_idx").on(t.workspace, t.status, t.updatedAt),
    index("documents_hash_idx").on(t.workspace, t.contentHash),
    index("documents_path_idx").on(t.workspace, t.filePath),
    index("documents_track_idx").on(t.workspace, t.trackId),
  ],
);

/** Full text of a document, split in parts to stay under D1's 2 MB row limit. */
export const documentContents = sqliteTable(
  "document_contents",
  {
    workspace: text("workspace").notNull(),
    docId: text("doc_id").notNull(),
    part: integer("part").notNull(),
    text: text("text").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspace, t.docId, t.part] })],
);

/** Token-window chunks (LightRAG's text_chunks). */
export const chunks = sqliteTable(
  "chunks",
  {
    workspace: text("workspace").notNull(),
    id: text("id").notNull(),
    docId: text("doc_id").notNull(),
    chunkOrder: integer("chunk_order").notNull(),
    tokens: integer("tokens").notNull(),
    content: text("content").notNull(),
    filePath: text("file_path").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspace, t.id] }), index("chunks_doc_idx").on(t.workspace, t.docId)],
);

/** What the extractor returned for a chunk (JSON), kept for retries and rebuilds. */
export const chunkExtractions = sqliteTable(
  "chunk_extractions",
  {
    workspace: text("workspace").notNull(),
    chunkId: text("chunk_id").notNull(),
    docId: text("doc_id").notNull(),
    filePath: text("file_path").notNull(),
    result: text("result").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.chunkId] }),
    index("chunk_extractions_doc_idx").on(t.workspace, t.docId),
  ],
);

/** Graph nodes (LightRAG's entity properties; multi-valued fields joined with <SEP>). */
export const entities = sqliteTable(
  "entities",
  {
    workspace: text("workspace").notNull(),
    name: text("name").notNull(),
    entityType: text("entity_type").notNull(),
    description: text("description").notNull(),
    sourceId: text("source_id").notNull(),
    filePath: text("file_path").notNull(),
    createdAt: integer("created_at").notNull(),
    /** `ent-<md5(name)>`: maps a vector match back to its node. */
    vectorId: text("vector_id").notNull().default(""),
    /** Tokens of the node's context line, counted at merge time; null for rows written before. */
    lineTokens: integer("line_tokens"),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.name] }),
    index("entities_vector_idx").on(t.workspace, t.vectorId),
  ],
);

/** Undirected graph edges, stored with src <= tgt. */
export const relations = sqliteTable(
  "relations",
  {
    workspace: text("workspace").notNull(),
    src: text("src").notNull(),
    tgt: text("tgt").notNull(),
    keywords: text("keywords").notNull(),
    description: text("description").notNull(),
    weight: real("weight").notNull(),
    sourceId: text("source_id").notNull(),
    filePath: text("file_path").notNull(),
    createdAt: integer("created_at").notNull(),
    /** `rel-<md5(src + tgt)>`: maps a vector match back to its edge. */
    vectorId: text("vector_id").notNull().default(""),
    /** Tokens of the edge's context line, counted at merge time; null for rows written before. */
    lineTokens: integer("line_tokens"),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.src, t.tgt] }),
    index("relations_tgt_idx").on(t.workspace, t.tgt),
    index("relations_vector_idx").on(t.workspace, t.vectorId),
  ],
);

/** Live contributions of a merged document's chunk to an entity (which document gave what). */
export const entitySources = sqliteTable(
  "entity_sources",
  {
    workspace: text("workspace").notNull(),
    name: text("name").notNull(),
    chunkId: text("chunk_id").notNull(),
    docId: text("doc_id").notNull(),
    entityType: text("entity_type").notNull(),
    description: text("description").notNull(),
    filePath: text("file_path").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.name, t.chunkId] }),
    index("entity_sources_doc_idx").on(t.workspace, t.docId),
  ],
);

/** Live contributions of a merged document's chunk to a relation. */
export const relationSources = sqliteTable(
  "relation_sources",
  {
    workspace: text("workspace").notNull(),
    src: text("src").notNull(),
    tgt: text("tgt").notNull(),
    chunkId: text("chunk_id").notNull(),
    docId: text("doc_id").notNull(),
    keywords: text("keywords").notNull(),
    description: text("description").notNull(),
    weight: real("weight").notNull(),
    filePath: text("file_path").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.src, t.tgt, t.chunkId] }),
    index("relation_sources_doc_idx").on(t.workspace, t.docId),
  ],
);
