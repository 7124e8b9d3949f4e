/** The storage ports the engine depends on, bundled; adapters live in subfolders. */
import type { ChunkStore } from "./chunks";
import type { KnowledgeWriter } from "./commit";
import type { DocumentStore } from "./documents";
import type { ExtractionStore } from "./extractions";
import type { GraphStore } from "./graph";
import type { VectorStore } from "./vectors";

export interface Stores {
  documents: DocumentStore;
  chunks: ChunkStore;
  graph: GraphStore;
  vectors: VectorStore;
  extractions: ExtractionStore;
  writer: KnowledgeWriter;
}

export type { ChunkRecord, ChunkStore } from "./chunks";
export type { KnowledgeCommit, KnowledgeWriter } from "./commit";
export type { DocStatus, DocumentRecord, DocumentStore } from "./documents";
export type { ChunkExtraction, EntitySource, ExtractionStore, RelationSource } from "./extractions";
export type { EdgeKey, EntityRecord, GraphStore, RelationRecord } from "./graph";
export type { VectorNamespace, VectorStore } from "./vectors";
