/** Builds the engine's stores on D1 plus a vector store chosen by the caller. */
import type { Stores } from "../index";
import type { VectorStore } from "../vectors";
import { D1ChunkStore } from "./chunks";
import { D1DocumentStore } from "./documents";
import { D1ExtractionStore } from "./extractions";
import { D1GraphStore } from "./graph";
import { type GraphChangeListener, requireGraphChangeListener } from "./graph-change";
import { D1KnowledgeWriter } from "./writer";

export type { GraphChangeListener } from "./graph-change";

/**
 * The D1 stores. `onGraphChange` is required: every store that commits graph or chunk rows tells it,
 * so the graph index cannot be left stale by a caller that forgot it (src/runtime builds them).
 *
 * @example
 * const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (ws) => invalidateGraphIndex(env.GRAPH_INDEX, ws));
 */
export function createD1Stores(
  db: D1Database,
  vectors: VectorStore,
  onGraphChange: GraphChangeListener,
): Stores {
  requireGraphChangeListener(onGraphChange);
  return {
    documents: new D1DocumentStore(db),
    chunks: new D1ChunkStore(db, onGraphChange),
    graph: new D1GraphStore(db, onGraphChange),
    extractions: new D1ExtractionStore(db),
    writer: new D1KnowledgeWriter(db, onGraphChange),
    vectors,
  };
}
