/**
 * Builds the LLM and embedding clients from config, once per env object. The engine receives
 * them through the ports in `types.ts` and never imports a concrete provider.
 */
import type { Config } from "../config";
import type { Bindings } from "../env";
import { meteredUsage } from "../observability/llm-usage-metrics";
import { createLogger } from "../observability/logger";
import { coalescedUsage, type UsageWriter } from "../observability/usage-buffer";
import { D1LlmCache } from "../storage/d1/llm-cache";
import { D1UsageStore } from "../storage/d1/llm-usage";
import { CircuitBreaker } from "./breaker";
import type { LlmIdentity } from "./cache-key";
import { type ChainLink, ResilientLlmClient } from "./chain";
import { ResilientEmbeddingClient } from "./embeddings";
import { PriorityLimiter } from "./limiter";
import { LocalEmbeddingClient } from "./local-embedding";
import { LocalLlmClient } from "./local-llm";
import { LocalChatTransport } from "./local-transport";
import type { CachePort } from "./ports";
import { AnthropicTransport } from "./remote/anthropic";
import { OllamaChatTransport, OllamaEmbeddingTransport } from "./remote/ollama";
import {
  azureEndpoint,
  bearerHeaders,
  OpenAiChatTransport,
  OpenAiEmbeddingTransport,
  openAiEndpoint,
} from "./remote/openai";
import {
  type AiRunner,
  WORKERS_AI_DEFAULT_EMBEDDING,
  WorkersAiChatTransport,
  WorkersAiEmbeddingTransport,
} from "./remote/workers-ai";
import { buildReranker } from "./rerank";
import type { RetryPolicy } from "./retry";
import { chainSpecs, isFullyLocal, ROLES } from "./settings";
import type { ChatTransport, EmbeddingTransport, ProviderSpec } from "./transport";
import type { EmbeddingClient, LlmClient, LlmRole, RerankClient } from "./types";

export interface Providers {
  llm: LlmClient;
  embeddings: EmbeddingClient;
  /** Null when RERANK_BINDING is `null` (reranking off). */
  reranker: RerankClient | null;
}

/**
 * Where the clients keep cached answers and token counts; the composition root passes the
 * selected backend's stores (D1's by default). Built once per isolate with the clients, so
 * they must not hold a request's connection.
 */
export interface ProviderStorage {
  cache: CachePort;
  /** The usage table: events are summed per isolate and written a window at a time. */
  usage: UsageWriter;
}

const memo = new WeakMap<object, Providers>();
const WORKERS_AI_MAX_BATCH = 100;

function retryPolicy(config: Config): RetryPolicy {
  return {
    maxRetries: config.LLM_MAX_RETRIES,
    baseMs: config.LLM_RETRY_BASE_MS,
    maxMs: config.LLM_RETRY_MAX_MS,
  };
}

function chatTransport(env: Bindings, config: Config, spec: ProviderSpec, role: LlmRole): ChatTransport {
  switch (spec.binding) {
    case "local":
      return new LocalChatTransport(spec.model, role);
    case "openai":
      return new OpenAiChatTransport(
        spec,
        openAiEndpoint(spec.host, "chat/completions", bearerHeaders(spec.apiKey, config.AI_GATEWAY_TOKEN)),
      );
    case "azure_openai":
      return new OpenAiChatTransport(
        spec,
        azureEndpoint(
          spec.host ?? "",
          spec.model,
          "chat/completions",
          config.AZURE_OPENAI_API_VERSION,
          spec.apiKey,
        ),
      );
    case "anthropic":
      return new AnthropicTransport(spec, config.AI_GATEWAY_TOKEN);
    case "workers-ai":
      return new WorkersAiChatTransport(spec, () => env.AI as unknown as AiRunner, config.AI_GATEWAY_ID);
    case "ollama":
      return new OllamaChatTransport(spec);
  }
}

function embeddingTransport(env: Bindings, config: Config): EmbeddingTransport | undefined {
  const host = config.EMBEDDING_BINDING_HOST;
  const key = config.EMBEDDING_BINDING_API_KEY;
  const dims = config.EMBEDDING_SEND_DIM ? config.EMBEDDING_DIM : undefined;
  switch (config.EMBEDDING_BINDING) {
    case "local":
      return undefined;
    case "openai":
      return new OpenAiEmbeddingTransport(
        "openai",
        config.EMBEDDING_MODEL,
        openAiEndpoint(
          host,
          "embeddings",
          bearerHeaders(key ?? config.OPENAI_API_KEY, config.AI_GATEWAY_TOKEN),
        ),
        dims,
      );
    case "azure_openai":
      return new OpenAiEmbeddingTransport(
        "azure_openai",
        config.EMBEDDING_MODEL,
        azureEndpoint(
          host ?? config.AZURE_OPENAI_ENDPOINT ?? "",
          config.EMBEDDING_MODEL,
          "embeddings",
          config.AZURE_OPENAI_API_VERSION,
          key ?? config.AZURE_OPENAI_API_KEY,
        ),
        dims,
      );
    case "workers-ai": {
      const model =
        config.EMBEDDING_MODEL === "local-hash" ? WORKERS_AI_DEFAULT_EMBEDDING : config.EMBEDDING_MODEL;
      return new WorkersAiEmbeddingTransport(
        model,
        () => env.AI as unknown as AiRunner,
        config.AI_GATEWAY_ID,
      );
    }
    case "ollama":
      return new OllamaEmbeddingTransport(config.EMBEDDING_MODEL, host);
  }
}

/**
 * Builds fresh clients (no memo): tests use it to get clean breakers and queues.
 *
 * @example
 * const { llm } = buildProviders(env, config);
 */
export function buildProviders(
  env: Bindings,
  config: Config,
  storage: ProviderStorage = { cache: new D1LlmCache(env.DB), usage: new D1UsageStore(env.DB) },
): Providers {
  const logger = createLogger(config.LOG_LEVEL, { component: "providers" });
  const breakers = new Map<string, CircuitBreaker>();
  const breakerFor = (key: string) => {
    let breaker = breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(config.LLM_BREAKER_THRESHOLD, config.LLM_BREAKER_COOLDOWN * 1000);
      breakers.set(key, breaker);
    }
    return breaker;
  };
  // The table, plus the token counter and Analytics Engine point the dashboard charts.
  const usage = meteredUsage(
    coalescedUsage(storage.usage, config.USAGE_WINDOW_MS, (error) =>
      logger.warn("llm usage rows lost", { error: error instanceof Error ? error.message : String(error) }),
    ),
    env,
  );
  let llm: LlmClient;
  if (isFullyLocal(config)) {
    llm = new LocalLlmClient(config.LLM_MODEL, usage);
  } else {
    const chains = {} as Record<LlmRole, ChainLink[]>;
    const identities = {} as Record<LlmRole, LlmIdentity>;
    for (const role of ROLES) {
      const specs = chainSpecs(config, role);
      chains[role] = specs.map((spec) => ({
        transport: chatTransport(env, config, spec, role),
        // One breaker per provider endpoint, shared by every role that uses it.
        breaker: breakerFor(`${spec.binding}|${spec.host ?? ""}|${spec.model}`),
        timeoutMs: spec.timeoutMs,
      }));
      const primary = specs[0];
      identities[role] = {
        role,
        binding: primary?.binding ?? "local",
        model: primary?.model ?? "",
        host: primary?.host,
      };
    }
    llm = new ResilientLlmClient({
      chains,
      identities,
      limiter: new PriorityLimiter(config.LLM_MAX_ASYNC),
      retry: retryPolicy(config),
      cache: storage.cache,
      cacheEnabled: (role) =>
        role === "extract" || role === "summary"
          ? config.ENABLE_LLM_CACHE_FOR_EXTRACT
          : config.ENABLE_LLM_CACHE,
      usage,
      defaults: { temperature: config.LLM_TEMPERATURE, maxTokens: config.LLM_MAX_TOKENS },
      logger,
    });
  }
  const transport = embeddingTransport(env, config);
  const embeddings: EmbeddingClient = transport
    ? new ResilientEmbeddingClient({
        transport,
        dimension: config.EMBEDDING_DIM,
        // Workers AI takes at most 100 texts per embedding call.
        batchSize:
          config.EMBEDDING_BINDING === "workers-ai"
            ? Math.min(WORKERS_AI_MAX_BATCH, config.EMBEDDING_BATCH_NUM)
            : config.EMBEDDING_BATCH_NUM,
        maxAsync: config.EMBEDDING_FUNC_MAX_ASYNC,
        timeoutMs: config.EMBEDDING_TIMEOUT * 1000,
        retry: retryPolicy(config),
        breaker: breakerFor(`embedding|${config.EMBEDDING_BINDING}|${config.EMBEDDING_MODEL}`),
        usage,
        logger,
      })
    : new LocalEmbeddingClient(config.EMBEDDING_DIM, config.EMBEDDING_MODEL);
  const reranker = buildReranker(config, {
    ai: () => env.AI as unknown as AiRunner,
    breakerFor,
    retry: retryPolicy(config),
    cache: config.ENABLE_LLM_CACHE ? storage.cache : undefined,
    usage,
    logger,
  });
  return { llm, embeddings, reranker };
}

/**
 * The providers for this env, memoised so circuit breakers and the concurrency cap are
 * shared by every request the isolate serves. `storage` is asked for only when they are
 * built (once per isolate); D1's cache and usage table by default.
 *
 * @example
 * const { llm, embeddings } = createProviders(c.env, c.get("config"));
 */
export function createProviders(env: Bindings, config: Config, storage?: () => ProviderStorage): Providers {
  const cached = memo.get(env);
  if (cached) return cached;
  const providers = buildProviders(env, config, storage?.());
  memo.set(env, providers);
  return providers;
}
