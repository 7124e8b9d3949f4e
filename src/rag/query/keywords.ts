/**
 * High- and low-level keywords of a query: the caller's lists when either is given, else the
 * keyword LLM's JSON answer, with LightRAG's fallback for short queries.
 */
import type { LlmClient } from "../../providers/types";
import { keywordCacheOptions } from "./cache-args";
import { KEYWORDS_SYSTEM, keywordsUser } from "./prompts";

export interface QueryKeywords {
  high: string[];
  low: string[];
}

/** Queries shorter than this become their own low-level keyword when the LLM finds none. */
const SHORT_QUERY_CHARS = 50;

/** Reads `{"high_level_keywords": [...], "low_level_keywords": [...]}` from a model answer, fences or prose around it allowed. */
export function parseKeywords(text: string): QueryKeywords {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return { high: [], low: [] };
  try {
    const value = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
    return { high: stringList(value.high_level_keywords), low: stringList(value.low_level_keywords) };
  } catch {
    return { high: [], low: [] };
  }
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is string => typeof item === "string" && item.trim() !== "")
    .map((s) => s.trim());
}

/**
 * Keywords for `query`; `null` means LightRAG would answer with the fail response.
 *
 * @example
 * await resolveKeywords(llm, "ws", "Who founded Acme?", [], []); // { high: [...], low: ["Acme", ...] }
 */
export async function resolveKeywords(
  llm: LlmClient,
  workspace: string,
  query: string,
  given: QueryKeywords,
  mode = "mix",
): Promise<QueryKeywords | null> {
  let keywords = given;
  if (given.high.length === 0 && given.low.length === 0) {
    const answer = await llm.complete({
      role: "keyword",
      system: KEYWORDS_SYSTEM,
      messages: [{ role: "user", content: keywordsUser(query) }],
      json: true,
      workspace,
      cache: keywordCacheOptions(mode, query),
    });
    keywords = parseKeywords(answer.text);
  }
  if (keywords.high.length === 0 && keywords.low.length === 0) {
    if (query.length < SHORT_QUERY_CHARS) return { high: [], low: [query] };
    return null;
  }
  return keywords;
}
