/**
 * What the resilient clients need from storage: a cache of answers and a token counter.
 * D1 implements both (`src/storage/d1/llm-cache.ts`, `llm-usage.ts`); tests and benchmarks may
 * pass none.
 */

/** One cached answer, under LightRAG's key `{mode}:{cache_type}:{md5}`. */
export interface LlmCacheEntry {
  id: string;
  cacheType: string;
  mode: string;
  returnValue: string;
  originalPrompt: string;
  chunkId?: string;
  queryParam?: unknown;
  provider: string;
  model: string;
}

/** One thing to count: a provider answer, a cache hit, or a provider failure. */
export interface UsageEvent {
  workspace: string;
  role: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  outcome: "call" | "cached" | "error";
}

/** Where cached answers live. */
export interface CachePort {
  get(workspace: string, id: string): Promise<string | undefined>;
  put(workspace: string, entry: LlmCacheEntry): Promise<void>;
}

/** Where token counts go. */
export interface UsagePort {
  record(event: UsageEvent): Promise<void>;
}
