/**
 * The provider ports the engine talks to. `src/rag/` imports only these types; concrete
 * clients (openai, azure_openai, anthropic, workers-ai, ollama, local) live beside this file.
 */

/** Which part of the pipeline is calling: selects per-role settings, priority and accounting. */
export type LlmRole = "extract" | "keyword" | "query" | "summary";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface LlmRequest {
  role: LlmRole;
  /** System prompt, kept apart because Anthropic takes it outside `messages`. */
  system?: string;
  /** Conversation so far, ending with the user's prompt. */
  messages: ChatMessage[];
  /** Ask the model for a JSON object (keywords). */
  json?: boolean;
  temperature?: number;
  maxTokens?: number;
  /** Workspace the call is made for, for token accounting. */
  workspace: string;
  signal?: AbortSignal;
  /** How the LLM response cache treats this call; without it, LightRAG's default key is used. */
  cache?: LlmCacheOptions;
}

/** Cache settings of one call (LightRAG's keys: `{mode}:{cache_type}:{md5}`). */
export interface LlmCacheOptions {
  /** Query mode for `query`/`keyword` keys (`mix`, `local`, …); `default` otherwise. */
  mode?: string;
  /** Values hashed instead of the prompt, e.g. the query parameters of an answer. */
  args?: unknown[];
  /** Chunk an extraction answer belongs to, kept with the entry for deletion. */
  chunkId?: string;
  /** Query parameters stored with the entry. */
  queryParam?: Record<string, unknown>;
  /** Neither read nor write the cache (conversation history, truncated answers). */
  skip?: boolean;
  /** Called when the answer comes from the cache: how a streamed answer tells it was a hit. */
  onHit?: () => void;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface LlmResponse {
  text: string;
  usage: TokenUsage;
  /** Provider and model that actually answered (after failover). */
  provider: string;
  model: string;
  /** True when served from the LLM cache. */
  cached: boolean;
  /** The cache entry id this answer was read from or stored under (for a chunk's `llm_cache_list`). */
  cacheKey?: string;
}

/** A chat-completion client; implementations handle retries, failover, caching and accounting. */
export interface LlmClient {
  complete(request: LlmRequest): Promise<LlmResponse>;
  /** Streams text deltas; the final usage is reported through accounting, not the stream. */
  stream(request: LlmRequest): AsyncIterable<string>;
}

export interface EmbeddingRequest {
  texts: string[];
  workspace: string;
  signal?: AbortSignal;
}

/** Turns texts into vectors of a fixed dimension (one vector per text, same order). */
export interface EmbeddingClient {
  readonly model: string;
  readonly dimension: number;
  embed(request: EmbeddingRequest): Promise<Float32Array[]>;
}

export interface RerankRequest {
  query: string;
  documents: string[];
  /** How many of the best to return (LightRAG's `top_n`); all when unset. */
  topN?: number;
  /** Workspace the call is made for, for accounting and the cache. */
  workspace: string;
  signal?: AbortSignal;
}

/** One reranked document: its index in the request and its relevance, best first in a response. */
export interface RerankResult {
  index: number;
  relevanceScore: number;
}

/** Scores documents against a query (LightRAG's `rerank_model_func`); implementations handle failover and caching. */
export interface RerankClient {
  readonly binding: string;
  readonly model: string;
  rerank(request: RerankRequest): Promise<RerankResult[]>;
}
