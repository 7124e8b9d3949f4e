/**
 * What LightRAG hashes into its cache keys for the query side. The LLM client turns these
 * into `"{mode}:query:{md5}"` / `"{mode}:keywords:{md5}"` (adding the LLM's identity) and
 * owns the `llm_cache` table; the engine only says what the answer depends on.
 */
import type { LlmCacheOptions } from "../../providers/types";
import type { QueryKeywords } from "./keywords";
import type { QueryParams } from "./params";

/** Bumped when the retrieval or prompt policy changes, so old answers stop matching. */
export const ANSWER_POLICY_VERSION = "2";

/** LightRAG's keyword-extraction language (SUMMARY_LANGUAGE default). */
const KEYWORD_LANGUAGE = "English";

/**
 * Cache options of an answer: every parameter that changes it. Skipped with conversation
 * history (LightRAG never caches those answers).
 *
 * @example
 * llm.complete({ ...request, cache: answerCacheOptions(query, params, keywords) });
 */
export function answerCacheOptions(
  query: string,
  params: QueryParams,
  keywords: QueryKeywords,
): LlmCacheOptions {
  const args = [
    ANSWER_POLICY_VERSION,
    params.mode,
    query,
    params.responseType,
    params.topK,
    params.chunkTopK,
    params.maxEntityTokens,
    params.maxRelationTokens,
    params.maxTotalTokens,
    keywords.high.join(", "),
    keywords.low.join(", "),
    params.userPrompt,
    params.enableRerank,
    false,
    // Only where it changes retrieval, so LightRAG-compatible keys stay as they were.
    ...(params.mode === "mix" && params.mixPpr ? ["mix_ppr"] : []),
  ];
  return {
    mode: params.mode,
    args,
    queryParam: { mode: params.mode, response_type: params.responseType, top_k: params.topK },
    skip: params.conversationHistory.length > 0,
  };
}

/** Cache options of a keyword extraction: mode, query and language. */
export function keywordCacheOptions(mode: string, query: string): LlmCacheOptions {
  return { mode, args: [mode, query, KEYWORD_LANGUAGE] };
}
