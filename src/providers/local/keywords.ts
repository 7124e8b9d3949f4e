/** Keyword extraction for the offline LLM, in LightRAG's `keywords_extraction` JSON shape. */
import { contentWords } from "./text";

export interface Keywords {
  high_level_keywords: string[];
  low_level_keywords: string[];
}

const MAX_KEYWORDS = 8;

/** Finds the query in a LightRAG keyword prompt ("User Query: …" in either part), else the user message. */
export function queryFromPrompt(system: string, user: string): string {
  const pattern = /User Query:\s*([^\n]+)/i;
  const match = pattern.exec(user) ?? pattern.exec(system);
  return (match?.[1] ?? user).trim();
}

/**
 * Low level: names (runs of capitalised words) and content words. High level: adjacent
 * content-word pairs, the closest a model-free extractor gets to a theme.
 *
 * @example
 * extractKeywords("How does Alice Smith use graph retrieval?")
 * // { high_level_keywords: ["alice smith", "smith use", ...], low_level_keywords: ["Alice Smith", "graph", ...] }
 */
export function extractKeywords(query: string): Keywords {
  const low: string[] = [];
  const seen = new Set<string>();
  const add = (list: string[], value: string) => {
    const key = value.toLowerCase();
    if (value.length === 0 || seen.has(key) || list.length >= MAX_KEYWORDS) return;
    seen.add(key);
    list.push(value);
  };
  const names = query.match(/\p{Lu}[\p{L}\p{N}]*(?:\s+\p{Lu}[\p{L}\p{N}]*)+/gu) ?? [];
  for (const name of names) add(low, name);
  const terms = contentWords(query);
  for (const term of terms) add(low, term);
  const high: string[] = [];
  for (let i = 1; i < terms.length; i++) add(high, `${terms[i - 1]} ${terms[i]}`);
  if (high.length === 0 && terms.length === 1) high.push(terms[0] ?? "");
  return { high_level_keywords: high, low_level_keywords: low };
}
