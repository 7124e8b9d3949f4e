/**
 * pgvector tables, one per namespace (entities, relations, chunks), each row keyed by workspace
 * and LightRAG's vector id, in the same database as the graph so both commit in one transaction.
 *
 * The column is an unsized `vector` with its dimension beside it: a workspace's dimension is
 * fixed by its first vector (and may change after a clear), as with the local index, so one
 * table serves every embedding model. HNSW needs a sized column, so the cosine index is a
 * partial expression index per dimension, `(embedding::vector(N)) vector_cosine_ops WHERE dim = N`;
 * the one for 384 (EMBEDDING_DIM's default) is in the migrations, others are created by
 * `ensureVectorIndexes` (src/storage/neon/migrate.ts) for the configured EMBEDDING_DIM.
 */
import { sql } from "drizzle-orm";
import { customType, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/** pgvector's `vector` without a dimension; values travel as its text form `[1,2,3]`. */
const vector = customType<{ data: string; driverData: string }>({
  dataType: () => "vector",
});

/** The dimension the migrations index (EMBEDDING_DIM's default). */
export const DEFAULT_INDEXED_DIM = 384;

/** The partial HNSW index of one dimension, as drizzle declares it and `ensureVectorIndexes` creates it. */
export const hnswIndexName = (table: string, dim: number) => `${table}_hnsw_${dim}`;

function vectorTable<const N extends string>(name: N) {
  return pgTable(
    name,
    {
      workspace: text("workspace").notNull(),
      id: text("id").notNull(),
      dim: integer("dim").notNull(),
      embedding: vector("embedding").notNull(),
      /** Opaque text kept beside the vector (the port's `payload`). */
      payload: text("payload"),
    },
    (t) => [
      primaryKey({ columns: [t.workspace, t.id] }),
      index(hnswIndexName(name, DEFAULT_INDEXED_DIM))
        .using("hnsw", sql.raw(`(embedding::vector(${DEFAULT_INDEXED_DIM})) vector_cosine_ops`))
        .where(sql.raw(`dim = ${DEFAULT_INDEXED_DIM}`)),
    ],
  );
}

export const vectorsEntities = vectorTable("vectors_entities");
export const vectorsRelations = vectorTable("vectors_relations");
export const vectorsChunks = vectorTable("vectors_chunks");

/** Table of each namespace of the VectorStore port. */
export const VECTOR_TABLES = {
  entities: "vectors_entities",
  relations: "vectors_relations",
  chunks: "vectors_chunks",
} as const;
