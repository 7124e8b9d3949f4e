/**
 * Port for per-chunk extraction results and the live source index built from them.
 *
 * `results` are what the extractor returned for a chunk, kept so a retry or a rebuild needs
 * no new LLM call. `sources` are the rows of merged (live) documents: one row per entity or
 * relation per chunk. The graph is a pure function of the live sources, which makes merges
 * order-independent and deletion a rebuild from what remains.
 */
import type { EdgeKey } from "./graph";

export interface ExtractedEntity {
  name: string;
  type: string;
  description: string;
}

export interface ExtractedRelation {
  source: string;
  target: string;
  keywords: string;
  description: string;
  weight: number;
}

export interface ChunkExtraction {
  chunkId: string;
  docId: string;
  filePath: string;
  entities: ExtractedEntity[];
  relations: ExtractedRelation[];
}

/** One live contribution of a chunk to an entity. */
export interface EntitySource {
  name: string;
  chunkId: string;
  docId: string;
  type: string;
  description: string;
  filePath: string;
}

/** One live contribution of a chunk to a relation (`src <= tgt`). */
export interface RelationSource extends EdgeKey {
  chunkId: string;
  docId: string;
  keywords: string;
  description: string;
  weight: number;
  filePath: string;
}

export interface ExtractionStore {
  /** Stores (replaces) raw per-chunk results. */
  putResults(workspace: string, results: ChunkExtraction[]): Promise<void>;
  results(workspace: string, chunkIds: string[]): Promise<ChunkExtraction[]>;
  resultsByDocuments(workspace: string, docIds: string[]): Promise<ChunkExtraction[]>;
  deleteResultsByDocuments(workspace: string, docIds: string[]): Promise<void>;
  /** Live sources of these entities / relations. */
  entitySources(workspace: string, names: string[]): Promise<EntitySource[]>;
  relationSources(workspace: string, pairs: EdgeKey[]): Promise<RelationSource[]>;
  /** Names and pairs the live sources of these documents touch. */
  touchedBy(workspace: string, docIds: string[]): Promise<{ names: string[]; pairs: EdgeKey[] }>;
}
