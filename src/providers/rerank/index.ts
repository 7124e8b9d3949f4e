/**
 * Builds the reranker from config: null when RERANK_BINDING is `null`, else the primary and
 * RERANK_FALLBACKS as one failover chain. A chain of the offline scorer alone gets no cache
 * and no accounting (a D1 round trip costs more than the scoring).
 */
import type { Config } from "../../config";
import type { RerankBinding } from "../../config/rerank";
import type { Logger } from "../../observability/logger";
import type { CircuitBreaker } from "../breaker";
import type { CachePort, UsagePort } from "../ports";
import type { AiRunner } from "../remote/workers-ai";
import type { RetryPolicy } from "../retry";
import type { RerankClient } from "../types";
import { type RerankLink, ResilientRerankClient } from "./client";
import { HTTP_RERANK_DEFAULTS, HttpRerankTransport } from "./http";
import { LOCAL_RERANK_MODEL, LocalRerankTransport } from "./local";
import type { RerankTransport } from "./transport";
import { WORKERS_AI_DEFAULT_RERANKER, WorkersAiRerankTransport } from "./workers-ai";

export interface RerankerDeps {
  ai: () => AiRunner;
  breakerFor: (key: string) => CircuitBreaker;
  retry: RetryPolicy;
  cache?: CachePort;
  usage?: UsagePort;
  logger?: Logger;
}

type Binding = Exclude<RerankBinding, "null">;

interface RerankSpec {
  binding: Binding;
  model?: string;
  host?: string;
  apiKey?: string;
}

function providerKey(config: Config, binding: Binding): string | undefined {
  if (binding === "cohere") return config.COHERE_API_KEY;
  if (binding === "jina") return config.JINA_API_KEY;
  if (binding === "aliyun") return config.DASHSCOPE_API_KEY;
  return undefined;
}

/** The model a spec runs, with each binding's default. */
export function rerankModel(binding: Binding, model: string | undefined): string {
  if (model) return model;
  if (binding === "local") return LOCAL_RERANK_MODEL;
  if (binding === "workers_ai") return WORKERS_AI_DEFAULT_RERANKER;
  return HTTP_RERANK_DEFAULTS[binding].model;
}

function transport(spec: RerankSpec, config: Config, deps: RerankerDeps): RerankTransport {
  const model = rerankModel(spec.binding, spec.model);
  switch (spec.binding) {
    case "local":
      return new LocalRerankTransport(model);
    case "workers_ai":
      return new WorkersAiRerankTransport(model, deps.ai, config.AI_GATEWAY_ID);
    default:
      return new HttpRerankTransport(
        spec.binding,
        model,
        spec.host ?? HTTP_RERANK_DEFAULTS[spec.binding].host,
        spec.apiKey ?? providerKey(config, spec.binding),
      );
  }
}

/** The primary and each distinct fallback. */
export function rerankSpecs(config: Config): RerankSpec[] {
  if (config.RERANK_BINDING === "null") return [];
  const specs: RerankSpec[] = [
    {
      binding: config.RERANK_BINDING,
      model: config.RERANK_MODEL,
      host: config.RERANK_BINDING_HOST,
      apiKey: config.RERANK_BINDING_API_KEY,
    },
  ];
  for (const fallback of config.RERANK_FALLBACKS) {
    const duplicate = specs.some(
      (s) =>
        s.binding === fallback.binding &&
        rerankModel(s.binding, s.model) === rerankModel(fallback.binding, fallback.model) &&
        s.host === fallback.host,
    );
    if (!duplicate) specs.push(fallback);
  }
  return specs;
}

/**
 * The configured reranker, or null when reranking is off.
 *
 * @example
 * const reranker = buildReranker(config, { ai: () => env.AI, breakerFor, retry, cache, usage });
 */
export function buildReranker(config: Config, deps: RerankerDeps): RerankClient | null {
  const specs = rerankSpecs(config);
  if (specs.length === 0) return null;
  const chain: RerankLink[] = specs.map((spec) => {
    const t = transport(spec, config, deps);
    return {
      transport: t,
      breaker: deps.breakerFor(`rerank|${t.binding}|${t.host ?? ""}|${t.model}`),
      timeoutMs: config.RERANK_TIMEOUT * 1000,
    };
  });
  const offline = specs.every((spec) => spec.binding === "local");
  return new ResilientRerankClient({
    chain,
    retry: deps.retry,
    cache: offline ? undefined : deps.cache,
    usage: offline ? undefined : deps.usage,
    logger: deps.logger,
  });
}
