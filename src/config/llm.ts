/**
 * LLM and embedding provider settings, with LightRAG's variable names: a base LLM, per-role
 * overrides (`EXTRACT_`, `KEYWORD_`, `QUERY_` prefixes), a failover chain, resilience knobs
 * and the response cache switches. docs/providers.md explains each one.
 */
import { z } from "zod";
import { bool, nonNegativeInt, optionalText, positiveInt } from "./fields";

/** LLM bindings this service speaks. */
export const LLM_BINDINGS = ["local", "openai", "azure_openai", "anthropic", "workers-ai", "ollama"] as const;
export type LlmBinding = (typeof LLM_BINDINGS)[number];

/** Embedding bindings (Anthropic has no embedding API). */
export const EMBEDDING_BINDINGS = ["local", "openai", "azure_openai", "workers-ai", "ollama"] as const;
export type EmbeddingBinding = (typeof EMBEDDING_BINDINGS)[number];

/** One link of the failover chain: `binding|model|host`, model and host optional. */
export interface FallbackSpec {
  binding: LlmBinding;
  model?: string;
  host?: string;
}

const llmBinding = z.enum(LLM_BINDINGS);
const optionalLlmBinding = optionalText.pipe(llmBinding.optional());
const seconds = (fallback: number) => z.coerce.number().finite().positive().default(fallback);
/** An optional number: unset or empty means undefined, anything else must satisfy `schema`. */
const optionalNumber = (schema: z.ZodNumber) =>
  optionalText
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(schema.optional());
const optionalSeconds = optionalNumber(z.number().finite().positive());

/** `LLM_FALLBACKS="anthropic|claude-3-5-haiku-latest,azure_openai"` → parsed chain links. */
const fallbacks = z
  .string()
  .default("")
  .transform((value, ctx): FallbackSpec[] => {
    const specs: FallbackSpec[] = [];
    for (const entry of value.split(",").map((item) => item.trim())) {
      if (entry === "") continue;
      const [binding = "", model, host] = entry.split("|").map((part) => part.trim());
      const parsed = llmBinding.safeParse(binding);
      if (!parsed.success) {
        ctx.addIssue({
          code: "custom",
          message: `unknown binding "${binding}" (use ${LLM_BINDINGS.join(", ")})`,
        });
        return z.NEVER;
      }
      specs.push({ binding: parsed.data, model: model || undefined, host: host || undefined });
    }
    return specs;
  });

export const llmFields = {
  LLM_BINDING: llmBinding.default("local"),
  LLM_MODEL: z.string().trim().min(1).default("local-extractor"),
  LLM_BINDING_HOST: optionalText,
  LLM_BINDING_API_KEY: optionalText,
  /** Seconds one provider call may take before it is abandoned (LightRAG's default). */
  LLM_TIMEOUT: seconds(240),
  LLM_TEMPERATURE: optionalNumber(z.number().min(0).max(2)),
  /** Completion cap; Anthropic requires one, so it defaults there to 4096. */
  LLM_MAX_TOKENS: optionalNumber(z.number().int().positive()),

  EXTRACT_LLM_BINDING: optionalLlmBinding,
  EXTRACT_LLM_MODEL: optionalText,
  EXTRACT_LLM_BINDING_HOST: optionalText,
  EXTRACT_LLM_BINDING_API_KEY: optionalText,
  EXTRACT_LLM_TIMEOUT: optionalSeconds,
  KEYWORD_LLM_BINDING: optionalLlmBinding,
  KEYWORD_LLM_MODEL: optionalText,
  KEYWORD_LLM_BINDING_HOST: optionalText,
  KEYWORD_LLM_BINDING_API_KEY: optionalText,
  KEYWORD_LLM_TIMEOUT: optionalSeconds,
  QUERY_LLM_BINDING: optionalLlmBinding,
  QUERY_LLM_MODEL: optionalText,
  QUERY_LLM_BINDING_HOST: optionalText,
  QUERY_LLM_BINDING_API_KEY: optionalText,
  QUERY_LLM_TIMEOUT: optionalSeconds,

  /** Failover chain after the (per-role) primary, tried in order. */
  LLM_FALLBACKS: fallbacks,
  /** Keys for fallbacks (and the primary when LLM_BINDING_API_KEY is unset), per provider. */
  OPENAI_API_KEY: optionalText,
  ANTHROPIC_API_KEY: optionalText,
  AZURE_OPENAI_API_KEY: optionalText,
  AZURE_OPENAI_ENDPOINT: optionalText,
  AZURE_OPENAI_DEPLOYMENT: optionalText,
  AZURE_OPENAI_API_VERSION: z.string().trim().min(1).default("2024-10-21"),
  /** Sent as `cf-aig-authorization` to authenticated Cloudflare AI Gateways. */
  AI_GATEWAY_TOKEN: optionalText,
  /** Routes Workers AI calls through this AI Gateway id. */
  AI_GATEWAY_ID: optionalText,

  LLM_MAX_ASYNC: positiveInt(4),
  /** Retries per provider after the first attempt, for 429, 5xx, timeouts and network errors. */
  LLM_MAX_RETRIES: nonNegativeInt(3),
  LLM_RETRY_BASE_MS: positiveInt(500),
  /** Longest single wait; a Retry-After above it sends the call to the next provider instead. */
  LLM_RETRY_MAX_MS: positiveInt(20_000),
  /** Consecutive failed calls that open a provider's circuit. */
  LLM_BREAKER_THRESHOLD: positiveInt(5),
  /** Seconds an open circuit waits before letting one trial call through. */
  LLM_BREAKER_COOLDOWN: seconds(30),
  ENABLE_LLM_CACHE: bool(true),
  ENABLE_LLM_CACHE_FOR_EXTRACT: bool(true),

  EMBEDDING_BINDING: z.enum(EMBEDDING_BINDINGS).default("local"),
  EMBEDDING_MODEL: z.string().trim().min(1).default("local-hash"),
  EMBEDDING_BINDING_HOST: optionalText,
  EMBEDDING_BINDING_API_KEY: optionalText,
  EMBEDDING_DIM: positiveInt(384),
  /** Ask the API for EMBEDDING_DIM dimensions (OpenAI text-embedding-3 models support it). */
  EMBEDDING_SEND_DIM: bool(false),
  EMBEDDING_BATCH_NUM: positiveInt(32),
  EMBEDDING_FUNC_MAX_ASYNC: positiveInt(8),
  EMBEDDING_TIMEOUT: seconds(30),
  MAX_PARALLEL_INSERT: positiveInt(2),
};
