/**
 * Turns config into provider specs: the per-role primary (EXTRACT_/KEYWORD_/QUERY_ overrides
 * over the base LLM_*; summaries follow EXTRACT_ as in LightRAG) and the LLM_FALLBACKS chain.
 */
import type { Config } from "../config";
import type { FallbackSpec, LlmBinding } from "../config/llm";
import { WORKERS_AI_DEFAULT_MODEL } from "./remote/workers-ai";
import type { ProviderSpec } from "./transport";
import type { LlmRole } from "./types";

/** Models used when a binding is named without one. */
export const DEFAULT_MODELS: Record<LlmBinding, string> = {
  local: "local-extractor",
  openai: "gpt-4o-mini",
  azure_openai: "gpt-4o-mini",
  anthropic: "claude-3-5-haiku-latest",
  "workers-ai": WORKERS_AI_DEFAULT_MODEL,
  ollama: "qwen2.5:7b",
};

export const ROLES: LlmRole[] = ["extract", "keyword", "query", "summary"];

interface RoleOverrides {
  binding?: LlmBinding;
  model?: string;
  host?: string;
  apiKey?: string;
  timeout?: number;
}

function overrides(config: Config, role: LlmRole): RoleOverrides {
  switch (role) {
    case "extract":
    case "summary":
      return {
        binding: config.EXTRACT_LLM_BINDING,
        model: config.EXTRACT_LLM_MODEL,
        host: config.EXTRACT_LLM_BINDING_HOST,
        apiKey: config.EXTRACT_LLM_BINDING_API_KEY,
        timeout: config.EXTRACT_LLM_TIMEOUT,
      };
    case "keyword":
      return {
        binding: config.KEYWORD_LLM_BINDING,
        model: config.KEYWORD_LLM_MODEL,
        host: config.KEYWORD_LLM_BINDING_HOST,
        apiKey: config.KEYWORD_LLM_BINDING_API_KEY,
        timeout: config.KEYWORD_LLM_TIMEOUT,
      };
    case "query":
      return {
        binding: config.QUERY_LLM_BINDING,
        model: config.QUERY_LLM_MODEL,
        host: config.QUERY_LLM_BINDING_HOST,
        apiKey: config.QUERY_LLM_BINDING_API_KEY,
        timeout: config.QUERY_LLM_TIMEOUT,
      };
  }
}

/** The per-provider key variable, used by fallbacks and when LLM_BINDING_API_KEY is unset. */
export function providerKey(config: Config, binding: LlmBinding): string | undefined {
  if (binding === "openai") return config.OPENAI_API_KEY;
  if (binding === "anthropic") return config.ANTHROPIC_API_KEY;
  if (binding === "azure_openai") return config.AZURE_OPENAI_API_KEY;
  return undefined;
}

function defaultHost(config: Config, binding: LlmBinding): string | undefined {
  return binding === "azure_openai" ? config.AZURE_OPENAI_ENDPOINT : undefined;
}

function defaultModel(config: Config, binding: LlmBinding): string {
  if (binding === "azure_openai" && config.AZURE_OPENAI_DEPLOYMENT) return config.AZURE_OPENAI_DEPLOYMENT;
  return DEFAULT_MODELS[binding];
}

/** The primary provider of `role`. */
export function primarySpec(config: Config, role: LlmRole): ProviderSpec {
  const own = overrides(config, role);
  const binding = own.binding ?? config.LLM_BINDING;
  const sameAsBase = binding === config.LLM_BINDING;
  // LLM_MODEL's default names the local model; with another binding it means "not set".
  const baseModel =
    config.LLM_MODEL === DEFAULT_MODELS.local && binding !== "local" ? undefined : config.LLM_MODEL;
  return {
    binding,
    model: own.model ?? (sameAsBase ? baseModel : undefined) ?? defaultModel(config, binding),
    host: own.host ?? (sameAsBase ? config.LLM_BINDING_HOST : undefined) ?? defaultHost(config, binding),
    apiKey:
      own.apiKey ?? (sameAsBase ? config.LLM_BINDING_API_KEY : undefined) ?? providerKey(config, binding),
    timeoutMs: (own.timeout ?? config.LLM_TIMEOUT) * 1000,
  };
}

function fallbackSpec(config: Config, fallback: FallbackSpec, timeoutMs: number): ProviderSpec {
  return {
    binding: fallback.binding,
    model: fallback.model ?? defaultModel(config, fallback.binding),
    host: fallback.host ?? defaultHost(config, fallback.binding),
    apiKey: providerKey(config, fallback.binding),
    timeoutMs,
  };
}

/** The whole chain of `role`: its primary, then each distinct LLM_FALLBACKS entry. */
export function chainSpecs(config: Config, role: LlmRole): ProviderSpec[] {
  const primary = primarySpec(config, role);
  const chain = [primary];
  for (const fallback of config.LLM_FALLBACKS) {
    const spec = fallbackSpec(config, fallback, primary.timeoutMs);
    const duplicate = chain.some(
      (s) => s.binding === spec.binding && s.model === spec.model && s.host === spec.host,
    );
    if (!duplicate) chain.push(spec);
  }
  return chain;
}

/** Whether every role runs on the offline model alone (no accounting or cache needed). */
export function isFullyLocal(config: Config): boolean {
  return ROLES.every((role) => chainSpecs(config, role).every((spec) => spec.binding === "local"));
}
