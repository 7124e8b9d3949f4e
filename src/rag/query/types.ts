/** What the query engine needs (ports only) and what retrieval returns. */
import type { EmbeddingClient, LlmClient, RerankClient } from "../../providers/types";
import type { ChunkStore } from "../../storage/chunks";
import type { GraphSearchStore, RankedEntity, RankedRelation } from "../../storage/graph-search";
import type { LexicalStore } from "../../storage/lexical";
import type { VectorStore } from "../../storage/vectors";

export interface QueryDeps {
  graphSearch: GraphSearchStore;
  chunks: ChunkStore;
  vectors: VectorStore;
  llm: LlmClient;
  embeddings: EmbeddingClient;
  /** Chunk reranker (RERANK_BINDING); absent or null: no rerank, whatever `enable_rerank` says. */
  reranker?: RerankClient | null;
  /** BM25 look-ups fused with the vector matches; absent: vectors alone (LEXICAL_SEARCH_ENABLED=false). */
  lexical?: LexicalStore;
}

export type { RankedEntity, RankedRelation } from "../../storage/graph-search";

export interface RetrievedChunk {
  id: string;
  content: string;
  filePath: string;
  /** Token count stored at ingestion (same tokenizer), so budgets need not encode chunk texts again. */
  tokens: number;
  /** `JSON.stringify(content)` when the chunk index kept it so: its context line embeds it as is. */
  contentJson?: string;
}

export interface Reference {
  reference_id: string;
  file_path: string;
}

/** Everything retrieval found, after truncation, plus the counts `/query/data` reports. */
export interface RetrievalResult {
  entities: RankedEntity[];
  relations: RankedRelation[];
  chunks: RetrievedChunk[];
  /** `reference_id` of each chunk, same order as `chunks`. */
  chunkReferenceIds: string[];
  references: Reference[];
  context: string;
  info: {
    total_entities_found: number;
    total_relations_found: number;
    entities_after_truncation: number;
    relations_after_truncation: number;
    merged_chunks_count: number;
    final_chunks_count: number;
  };
}

/** Steps reported by `/query/stream` with `include_progress` (LightRAG's names). */
export type ProgressStep =
  | "extracting_keywords"
  | "retrieving_entities"
  | "retrieving_relations"
  | "retrieving_chunks"
  | "reranking"
  | "generating_response";
