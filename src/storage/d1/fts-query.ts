/**
 * Plain text to an FTS5 MATCH expression that can never be a syntax error: the words
 * (Unicode letters and digits, as the `unicode61` tokenizer splits them) are each quoted and
 * joined with OR, so BM25 ranks by how many rare query words a row holds. English stop words
 * are dropped (Lucene's default English set), duplicates removed and the count capped, which
 * bounds the work of one look-up.
 */

/** Most words of one expression; a longer query keeps its first ones. */
export const MAX_MATCH_TERMS = 32;

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` (StopAnalyzer's classic 33 words). */
const STOP_WORDS = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "but",
  "by",
  "for",
  "if",
  "in",
  "into",
  "is",
  "it",
  "no",
  "not",
  "of",
  "on",
  "or",
  "such",
  "that",
  "the",
  "their",
  "then",
  "there",
  "these",
  "they",
  "this",
  "to",
  "was",
  "will",
  "with",
]);

/**
 * The MATCH expression for `text`, or null when it has no searchable word.
 *
 * @example
 * ftsMatchExpression('Who wrote "Dune" (1965)?'); // '"who" OR "wrote" OR "dune" OR "1965"'
 * ftsMatchExpression("the of"); // null
 */
export function ftsMatchExpression(text: string, maxTerms = MAX_MATCH_TERMS): string | null {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const [word] of text
    .normalize("NFKC")
    .toLowerCase()
    .matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    if (STOP_WORDS.has(word) || seen.has(word)) continue;
    seen.add(word);
    terms.push(`"${word}"`);
    if (terms.length >= maxTerms) break;
  }
  return terms.length > 0 ? terms.join(" OR ") : null;
}
