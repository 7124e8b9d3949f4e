/**
 * The answer cache port and LightRAG's key rule: `"{mode}:query:{md5(args)}"` over every
 * parameter that changes the answer. Not used with conversation history; streamed answers are
 * read from it but never written.
 */
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { QueryKeywords } from "./keywords";
import type { QueryParams } from "./params";

/** Bumped when the retrieval or prompt policy changes, so old answers stop matching. */
export const ANSWER_POLICY_VERSION = "1";

export interface CachedAnswer {
  response: string;
  mode: string;
  query: string;
}

export interface AnswerCache {
  get(workspace: string, key: string): Promise<CachedAnswer | null>;
  put(workspace: string, key: string, answer: CachedAnswer): Promise<void>;
}

/**
 * The cache key of an answer.
 *
 * @example
 * answerCacheKey("mix", "Who founded Acme?", params, keywords, "local/local-extractor"); // "mix:query:5d41…"
 */
export function answerCacheKey(
  query: string,
  params: QueryParams,
  keywords: QueryKeywords,
  llmIdentity: string,
): string {
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
    llmIdentity,
  ];
  return `${params.mode}:query:${bytesToHex(md5(utf8ToBytes(JSON.stringify(args))))}`;
}
