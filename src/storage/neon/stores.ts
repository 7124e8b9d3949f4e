/** Builds the engine's stores on Postgres (one pool) plus a vector store chosen by the caller. */
import type { Pool } from "@neondatabase/serverless";
import type { Stores } from "../index";
import type { VectorStore } from "../vectors";
import { PgChunkStore } from "./chunks";
import { PgDocumentStore } from "./documents";
import { PgExtractionStore } from "./extractions";
import { PgGraphStore } from "./graph";
import { PgKnowledgeWriter } from "./writer";

/**
 * The Postgres stores. No graph-change callback: the graph index (a Durable Object copy of
 * D1's graph tables) is not used in front of Postgres; queries read the graph from Postgres.
 *
 * @example
 * const pool = createPgPool({ connectionString: env.DATABASE_URL });
 * const stores = createPgStores(pool, new PgVectorStore(pool));
 */
export function createPgStores(pool: Pool, vectors: VectorStore): Stores {
  return {
    documents: new PgDocumentStore(pool),
    chunks: new PgChunkStore(pool),
    graph: new PgGraphStore(pool),
    extractions: new PgExtractionStore(pool),
    writer: new PgKnowledgeWriter(pool),
    vectors,
  };
}
