/**
 * Reranker settings with LightRAG's variable names (`RERANK_BINDING`, `RERANK_MODEL`,
 * `RERANK_BINDING_HOST`, `RERANK_BINDING_API_KEY`, `MIN_RERANK_SCORE`, `RERANK_BY_DEFAULT`),
 * plus a failover chain and the Workers AI and offline bindings. docs/providers.md explains each.
 */
import { z } from "zod";
import { bool, optionalText } from "./fields";

/** `null` turns reranking off; `local` is the offline lexical scorer; the rest are remote APIs. */
export const RERANK_BINDINGS = ["null", "cohere", "jina", "aliyun", "workers_ai", "local"] as const;
export type RerankBinding = (typeof RERANK_BINDINGS)[number];

/** One link of the rerank failover chain: `binding|model|host`, model and host optional. */
export interface RerankFallbackSpec {
  binding: Exclude<RerankBinding, "null">;
  model?: string;
  host?: string;
}

/** `workers-ai` (the LLM binding's spelling) is accepted for `workers_ai`. */
const rerankBinding = z
  .string()
  .trim()
  .transform((value) => value.toLowerCase().replace(/-/g, "_"))
  .pipe(z.enum(RERANK_BINDINGS));

const fallbacks = z
  .string()
  .default("")
  .transform((value, ctx): RerankFallbackSpec[] => {
    const specs: RerankFallbackSpec[] = [];
    for (const entry of value.split(",").map((item) => item.trim())) {
      if (entry === "") continue;
      const [binding = "", model, host] = entry.split("|").map((part) => part.trim());
      const parsed = rerankBinding.safeParse(binding);
      if (!parsed.success || parsed.data === "null") {
        ctx.addIssue({
          code: "custom",
          message: `unknown rerank binding "${binding}" (use ${RERANK_BINDINGS.filter((b) => b !== "null").join(", ")})`,
        });
        return z.NEVER;
      }
      specs.push({ binding: parsed.data, model: model || undefined, host: host || undefined });
    }
    return specs;
  });

export const rerankFields = {
  RERANK_BINDING: rerankBinding.default("null"),
  /** Model name; each binding has a default (docs/providers.md). */
  RERANK_MODEL: optionalText,
  /** The full rerank endpoint URL (LightRAG's meaning), for cohere, jina and aliyun. */
  RERANK_BINDING_HOST: optionalText,
  RERANK_BINDING_API_KEY: optionalText,
  /** Per-provider keys, for fallbacks and when RERANK_BINDING_API_KEY is unset (LightRAG's names). */
  COHERE_API_KEY: optionalText,
  JINA_API_KEY: optionalText,
  DASHSCOPE_API_KEY: optionalText,
  /** Rerankers tried in order after the primary when it fails. */
  RERANK_FALLBACKS: fallbacks,
  /** Chunks scoring below this after a rerank are dropped (0 keeps all, as LightRAG's default). */
  MIN_RERANK_SCORE: z.coerce.number().finite().min(0).default(0),
  /** `enable_rerank` of a query that does not say (LightRAG's default: true). */
  RERANK_BY_DEFAULT: bool(true),
  /** Seconds one rerank call may take before it is abandoned. */
  RERANK_TIMEOUT: z.coerce.number().finite().positive().default(30),
};
