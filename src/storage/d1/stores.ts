/** Builds the engine's stores on D1 plus a vector store chosen by the caller. */
import type { Stores } from "../index";
import type { VectorStore } from "../vectors";
import { D1ChunkStore } from "./chunks";
import { D1DocumentStore } from "./documents";
import { D1ExtractionStore } from "./extractions";
import { D1GraphStore } from "./graph";
import { D1KnowledgeWriter } from "./writer";

/**
 * @example
 * const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX));
 */
export function createD1Stores(db: D1Database, vectors: VectorStore): Stores {
  return {
    documents: new D1DocumentStore(db),
    chunks: new D1ChunkStore(db),
    graph: new D1GraphStore(db),
    extractions: new D1ExtractionStore(db),
    writer: new D1KnowledgeWriter(db),
    vectors,
  };
}
