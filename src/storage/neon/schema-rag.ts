/**
 * Postgres tables of the knowledge engine, the same tables, columns and indexes as D1's
 * (src/storage/d1/schema-rag.ts); `npm run db:generate:pg` turns changes into migrations-pg/.
 * Times are unix ms in `bigint`; counts `integer`; weights `double precision` (SQLite's REAL).
 */
import { type SQL, sql } from "drizzle-orm";
import {
  bigint,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";

/** Unix time (ms, or s for graph rows as in LightRAG) read back as a JS number. */
const time = (name: string) => bigint(name, { mode: "number" });

/**
 * A `tsvector` kept by Postgres itself (a stored generated column): the lexical index of a row
 * (src/storage/neon/lexical.ts). Never written or read by the adapters' row mappers.
 */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Text search configuration of the lexical index (migrations-pg/0001_rag_fts_config.sql):
 * English stemming and stop words, with diacritics folded by `unaccent` ("Zoë" finds "Zoe").
 */
export const LEXICAL_CONFIG = "rag_english";

/** `to_tsvector` of the lexical configuration over `columns`, concatenated (an immutable expression). */
const lexicalVector = (...columns: string[]): SQL =>
  sql.raw(columns.map((column) => `to_tsvector('${LEXICAL_CONFIG}'::regconfig, ${column})`).join(" || "));

/** Documents and their processing status (LightRAG's doc_status). Times are unix ms. */
export const documents = pgTable(
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
    createdAt: time("created_at").notNull(),
    updatedAt: time("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.id] }),
    index("documents_status_idx").on(t.workspace, t.status, t.updatedAt),
    index("documents_hash_idx").on(t.workspace, t.contentHash),
    index("documents_path_idx").on(t.workspace, t.filePath),
    index("documents_track_idx").on(t.workspace, t.trackId),
  ],
);

/** Full text of a document, split in parts as on D1 (one adapter shape for both; Postgres itself would take 1 GB). */
export const documentContents = pgTable(
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
export const chunks = pgTable(
  "chunks",
  {
    workspace: text("workspace").notNull(),
    id: text("id").notNull(),
    docId: text("doc_id").notNull(),
    chunkOrder: integer("chunk_order").notNull(),
    tokens: integer("tokens").notNull(),
    content: text("content").notNull(),
    filePath: text("file_path").notNull(),
    /** Lexical index of `content`. */
    tsv: tsvector("tsv").generatedAlwaysAs(lexicalVector("content")),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.id] }),
    index("chunks_doc_idx").on(t.workspace, t.docId),
    index("chunks_tsv_idx").using("gin", t.tsv),
  ],
);

/** What the extractor returned for a chunk (JSON), kept for retries and rebuilds. */
export const chunkExtractions = pgTable(
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
export const entities = pgTable(
  "entities",
  {
    workspace: text("workspace").notNull(),
    name: text("name").notNull(),
    entityType: text("entity_type").notNull(),
    description: text("description").notNull(),
    sourceId: text("source_id").notNull(),
    filePath: text("file_path").notNull(),
    createdAt: time("created_at").notNull(),
    /** `ent-<md5(name)>`: maps a vector match back to its node. */
    vectorId: text("vector_id").notNull().default(""),
    /** Tokens of the node's context line, counted at merge time; null for rows written before. */
    lineTokens: integer("line_tokens"),
    /** Lexical index of `name` and `description`. */
    tsv: tsvector("tsv").generatedAlwaysAs(lexicalVector("name", "description")),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.name] }),
    index("entities_vector_idx").on(t.workspace, t.vectorId),
    index("entities_tsv_idx").using("gin", t.tsv),
  ],
);

/** Undirected graph edges, stored with src <= tgt. */
export const relations = pgTable(
  "relations",
  {
    workspace: text("workspace").notNull(),
    src: text("src").notNull(),
    tgt: text("tgt").notNull(),
    keywords: text("keywords").notNull(),
    description: text("description").notNull(),
    weight: doublePrecision("weight").notNull(),
    sourceId: text("source_id").notNull(),
    filePath: text("file_path").notNull(),
    createdAt: time("created_at").notNull(),
    /** `rel-<md5(src + tgt)>`: maps a vector match back to its edge. */
    vectorId: text("vector_id").notNull().default(""),
    /** Tokens of the edge's context line, counted at merge time; null for rows written before. */
    lineTokens: integer("line_tokens"),
    /** Lexical index of `src`, `tgt`, `keywords` and `description`. */
    tsv: tsvector("tsv").generatedAlwaysAs(lexicalVector("src", "tgt", "keywords", "description")),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.src, t.tgt] }),
    index("relations_tgt_idx").on(t.workspace, t.tgt),
    index("relations_vector_idx").on(t.workspace, t.vectorId),
    index("relations_tsv_idx").using("gin", t.tsv),
  ],
);

/** Live contributions of a merged document's chunk to an entity (which document gave what). */
export const entitySources = pgTable(
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
export const relationSources = pgTable(
  "relation_sources",
  {
    workspace: text("workspace").notNull(),
    src: text("src").notNull(),
    tgt: text("tgt").notNull(),
    chunkId: text("chunk_id").notNull(),
    docId: text("doc_id").notNull(),
    keywords: text("keywords").notNull(),
    description: text("description").notNull(),
    weight: doublePrecision("weight").notNull(),
    filePath: text("file_path").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.src, t.tgt, t.chunkId] }),
    index("relation_sources_doc_idx").on(t.workspace, t.docId),
  ],
);
