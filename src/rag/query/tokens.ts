/**
 * Token budgets of the query side, counted with the engine's shared o200k_base tokenizer
 * (`src/rag/tokenizer.ts`, LightRAG's default `gpt-4o-mini` encoding, built lazily once).
 */
import { BoundedMemo } from "../../bounded-memo";
import type { Tokenizer } from "../tokenizer";

export type { Tokenizer } from "../tokenizer";
export { loadTokenizer } from "../tokenizer";

/**
 * Keeps the longest prefix of `items` whose token counts fit in `budget` together
 * (LightRAG's `truncate_list_by_token_size`).
 *
 * @example
 * truncateByTokens(entities, (e) => counter.count(JSON.stringify(e)), 6000);
 */
export function truncateByTokens<T>(items: T[], tokens: (item: T) => number, budget: number): T[] {
  if (budget <= 0) return [];
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += tokens(items[i] as T);
    if (total > budget) return items.slice(0, i);
  }
  return items;
}

/** Texts longer than this are counted without the memo (chunk texts carry their own count). */
const MEMO_MAX_CHARS = 4096;
/** Counts kept per isolate (at most 50,000 texts of up to MEMO_MAX_CHARS). */
const counts = new BoundedMemo<number>(50_000);

/**
 * Token counts memoised per isolate: the same entity and relation lines and prompt templates
 * come back query after query, and encoding them again is most of a query's CPU time.
 *
 * @example
 * const counter = memoCounter(await loadTokenizer());
 * counter.count('{"entity":"Acme"}');
 */
export function memoCounter(tokenizer: Pick<Tokenizer, "count">): Pick<Tokenizer, "count"> {
  return {
    count(text: string): number {
      if (text.length > MEMO_MAX_CHARS) return tokenizer.count(text);
      return counts.get(text, () => tokenizer.count(text));
    },
  };
}
