/**
 * Token counting for context budgets with js-tiktoken (`o200k_base`, the encoding of LightRAG's
 * default `gpt-4o-mini` tokenizer). The encoder is built on first use: about 0.5 s of CPU once
 * per isolate, never at startup.
 */
import { Tiktoken } from "js-tiktoken/lite";

export interface Tokenizer {
  count(text: string): number;
}

let loading: Promise<Tokenizer> | undefined;

/**
 * The shared tokenizer, built once per isolate.
 *
 * @example
 * const tokenizer = await loadTokenizer();
 * tokenizer.count("hello world"); // 2
 */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import("js-tiktoken/ranks/o200k_base").then((ranks) => {
    const encoder = new Tiktoken(ranks.default);
    return { count: (text: string) => (text.length === 0 ? 0 : encoder.encode(text).length) };
  });
  return loading;
}

/**
 * Keeps the longest prefix of `items` whose texts fit in `budget` tokens together
 * (LightRAG's `truncate_list_by_token_size`).
 *
 * @example
 * truncateByTokens(entities, (e) => JSON.stringify(e), 6000, tokenizer);
 */
export function truncateByTokens<T>(
  items: T[],
  text: (item: T) => string,
  budget: number,
  tokenizer: Tokenizer,
): T[] {
  if (budget <= 0) return [];
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += tokenizer.count(text(items[i] as T));
    if (total > budget) return items.slice(0, i);
  }
  return items;
}
