/**
 * Plain text to an FTS5 MATCH expression that can never be a syntax error: the words
 * (Unicode letters and digits, as the `unicode61` tokenizer splits them) are each quoted and
 * joined with OR, so BM25 ranks by how many rare query words a row holds. English stop words
 * are dropped (Snowball's list, as Postgres' `english`), duplicates removed and the count
 * capped, which bounds the work of one look-up.
 */

/** Most words of one expression; a longer query keeps its first ones. */
export const MAX_MATCH_TERMS = 32;

/**
 * Snowball's English stop list (127 words), the one Postgres' `english` configuration uses, so
 * D1 and Postgres drop the same words. Besides articles and prepositions it holds question
 * words and auxiliaries ("which", "how", "does"): they match most rows, so keeping them made
 * each look-up rank nearly every row while adding almost nothing to the order (low IDF).
 */
const STOP_WORDS = new Set(
  (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself " +
    "she her hers herself it its itself they them their theirs themselves what which who whom " +
    "this that these those am is are was were be been being have has had having do does did doing " +
    "a an the and but if or because as until while of at by for with about against between into " +
    "through during before after above below to from up down in out on off over under again " +
    "further then once here there when where why how all any both each few more most other some " +
    "such no nor not only own same so than too very s t can will just don should now"
  ).split(" "),
);

/**
 * The searchable words of `text`, as the MATCH expression quotes them: lower-cased, stop words
 * and repeats dropped, at most `maxTerms`. The graph index's in-memory BM25 asks for the same.
 *
 * @example
 * queryWords('Who wrote "Dune" (1965)?'); // ["wrote", "dune", "1965"]
 */
export function queryWords(text: string, maxTerms = MAX_MATCH_TERMS): string[] {
  const words: string[] = [];
  const seen = new Set<string>();
  for (const [word] of text
    .normalize("NFKC")
    .toLowerCase()
    .matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    if (STOP_WORDS.has(word) || seen.has(word)) continue;
    seen.add(word);
    words.push(word);
    if (words.length >= maxTerms) break;
  }
  return words;
}

/**
 * The MATCH expression for `text`, or null when it has no searchable word.
 *
 * @example
 * ftsMatchExpression('Who wrote "Dune" (1965)?'); // '"wrote" OR "dune" OR "1965"'
 * ftsMatchExpression("the of"); // null
 */
export function ftsMatchExpression(text: string, maxTerms = MAX_MATCH_TERMS): string | null {
  const words = queryWords(text, maxTerms);
  return words.length > 0 ? words.map((word) => `"${word}"`).join(" OR ") : null;
}
