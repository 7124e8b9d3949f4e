/** Query parameters of the engine (LightRAG's `QueryParam`), resolved against the defaults. */
import type { ChatMessage } from "../../providers/types";
import type { ChunkPickMethod } from "./related-chunks";

/** LightRAG's modes, then ours: `ppr` ranks chunks by Personalized PageRank (HippoRAG 2). */
export const QUERY_MODES = ["local", "global", "hybrid", "naive", "mix", "bypass", "ppr"] as const;
export type QueryMode = (typeof QUERY_MODES)[number];

/** LightRAG's `constants.py` defaults; the config can override the first six. */
export const QUERY_DEFAULTS = {
  topK: 40,
  chunkTopK: 20,
  maxEntityTokens: 6000,
  maxRelationTokens: 8000,
  maxTotalTokens: 30000,
  cosineThreshold: 0.2,
  relatedChunkNumber: 5,
  kgChunkPickMethod: "VECTOR",
  minRerankScore: 0,
  responseType: "Multiple Paragraphs",
} as const;

export type QueryDefaults = {
  topK: number;
  chunkTopK: number;
  maxEntityTokens: number;
  maxRelationTokens: number;
  maxTotalTokens: number;
  cosineThreshold: number;
  relatedChunkNumber: number;
  /** How the chunks behind entities and relations are picked (LightRAG's `KG_CHUNK_PICK_METHOD`). */
  kgChunkPickMethod: ChunkPickMethod;
  /** Reranked chunks scoring below this are dropped (LightRAG's `MIN_RERANK_SCORE`; 0 keeps all). */
  minRerankScore: number;
};

/** Every knob of one query, with no optional value left. */
export interface QueryParams extends QueryDefaults {
  mode: QueryMode;
  onlyNeedContext: boolean;
  onlyNeedPrompt: boolean;
  responseType: string;
  stream: boolean;
  hlKeywords: string[];
  llKeywords: string[];
  /** Sent to the LLM only, never used for retrieval; disables the answer cache. */
  conversationHistory: ChatMessage[];
  userPrompt: string;
  enableRerank: boolean;
  /** Mix mode merges the Personalized PageRank ranking of chunks first (`QUERY_MIX_PPR`). */
  mixPpr?: boolean;
  includeReferences: boolean;
  includeChunkContent: boolean;
}
