/**
 * Builds the LLM and embedding clients from config, once per env object. The engine receives
 * them through the ports in `types.ts` and never imports a concrete provider.
 */
import type { Config } from "../config";
import type { Bindings } from "../env";
import { LocalEmbeddingClient } from "./local-embedding";
import { LocalLlmClient } from "./local-llm";
import type { EmbeddingClient, LlmClient } from "./types";

export interface Providers {
  llm: LlmClient;
  embeddings: EmbeddingClient;
}

const memo = new WeakMap<object, Providers>();

/**
 * The providers for this env, memoised so circuit breakers and concurrency caps are shared by
 * every request the isolate serves.
 *
 * @example
 * const { llm, embeddings } = createProviders(c.env, c.get("config"));
 */
export function createProviders(env: Bindings, config: Config): Providers {
  const cached = memo.get(env);
  if (cached) return cached;
  const providers: Providers = {
    llm: new LocalLlmClient(config.LLM_MODEL),
    embeddings: new LocalEmbeddingClient(config.EMBEDDING_DIM, config.EMBEDDING_MODEL),
  };
  memo.set(env, providers);
  return providers;
}
