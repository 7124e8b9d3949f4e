/**
 * An in-memory BM25 index of one workspace's entities or relations, held by the graph index
 * Durable Object so a query's entity and relation look-ups cost microseconds instead of an
 * FTS5 statement that ranks every matching row of the whole database (the lexical phase was
 * most of a mix query's time).
 *
 * It ranks as D1's FTS5 tables do (migrations/0007_rag_fts.sql): `unicode61` words, case and
 * diacritics folded, Porter-stemmed (`porter` tokenizer); the columns of a row are one text;
 * each query word is a phrase scored by FTS5's `bm25()` (k1 = 1.2, b = 0.75, IDF floored at
 * 1e-6). Its statistics are the workspace's own, not the database's, and ties go to the row
 * added first, so the order never depends on what other workspaces hold or on write order.
 *
 * Postings are packed in typed arrays (document, term frequency): about 8 bytes per distinct
 * word of a row, against a Map per term and row in general-purpose search libraries.
 */
import { stemmer } from "stemmer";

const K1 = 1.2;
const B = 0.75;
/** FTS5's porter tokenizer leaves longer tokens as they are. */
const MAX_STEMMED_LENGTH = 64;

/** Words as `unicode61` splits them: runs of letters, digits, marks and private-use characters. */
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const MARKS = /\p{M}/gu;

/**
 * One word as the index stores it: lower-cased, diacritics removed, Porter-stemmed.
 *
 * @example
 * indexTerm("Zoë"); // "zoe"
 * indexTerm("Running"); // "run"
 */
export function indexTerm(word: string): string {
  const folded = word.toLowerCase().normalize("NFD").replace(MARKS, "");
  return folded.length > MAX_STEMMED_LENGTH ? folded : stemmer(folded);
}

/**
 * Every word of `text` in index form, in order (stop words included, as FTS5 counts them).
 * `terms` caches each word as written: most words repeat, and folding and stemming one is
 * what building costs.
 */
function termsOf(text: string, cache: Map<string, string>): string[] {
  const out: string[] = [];
  // exec in a loop: about three times faster than matchAll's iterator over a large text.
  const words = new RegExp(WORD);
  for (let match = words.exec(text); match !== null; match = words.exec(text)) {
    const word = match[0];
    let term = cache.get(word);
    if (term === undefined) {
      term = indexTerm(word);
      cache.set(word, term);
    }
    out.push(term);
  }
  return out;
}

/** A posting list while building: document numbers and frequencies, interleaved. */
type Building = number[];

export class Bm25Index<K> {
  private constructor(
    private readonly keys: K[],
    private readonly lengths: Uint32Array,
    private readonly postings: Map<string, Uint32Array>,
    private readonly averageLength: number,
    /** Index forms of the words seen while building: a query's words are mostly among them. */
    private readonly terms: Map<string, string>,
  ) {}

  /**
   * Indexes `rows` (key and the texts of its columns); the order of `rows` breaks ties.
   *
   * @example
   * const index = Bm25Index.build([{ key: "DUNE", texts: ["DUNE", "A novel by Frank Herbert"] }]);
   * index.search(["herbert"], 10); // ["DUNE"]
   */
  static build<K>(rows: Iterable<{ key: K; texts: readonly string[] }>): Bm25Index<K> {
    const keys: K[] = [];
    const lengths: number[] = [];
    const building = new Map<string, Building>();
    const terms = new Map<string, string>();
    let total = 0;
    for (const { key, texts } of rows) {
      const doc = keys.length;
      keys.push(key);
      const counts = new Map<string, number>();
      let length = 0;
      for (const text of texts) {
        for (const term of termsOf(text, terms)) {
          counts.set(term, (counts.get(term) ?? 0) + 1);
          length++;
        }
      }
      lengths.push(length);
      total += length;
      for (const [term, count] of counts) {
        const list = building.get(term);
        if (list) list.push(doc, count);
        else building.set(term, [doc, count]);
      }
    }
    const postings = new Map<string, Uint32Array>();
    for (const [term, list] of building) postings.set(term, Uint32Array.from(list));
    const averageLength = keys.length > 0 ? total / keys.length : 0;
    return new Bm25Index(keys, Uint32Array.from(lengths), postings, averageLength, terms);
  }

  /** Rows indexed. */
  get size(): number {
    return this.keys.length;
  }

  /**
   * The keys of the `limit` best rows for `words` (each word one OR-ed phrase, as the D1
   * adapter's MATCH expression), best first; rows holding none of the words are not returned.
   *
   * @example
   * index.search(queryWords("Who wrote Dune?"), 40);
   */
  search(words: readonly string[], limit: number): K[] {
    const rows = this.keys.length;
    if (rows === 0 || limit <= 0) return [];
    const scores = new Map<number, number>();
    for (const word of words) {
      // Read-only: query words must not grow the map for the life of the object.
      const list = this.postings.get(this.terms.get(word) ?? indexTerm(word));
      if (!list) continue;
      const hits = list.length / 2;
      const idf = Math.max(Math.log((rows - hits + 0.5) / (hits + 0.5)), 1e-6);
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i] as number;
        const frequency = list[i + 1] as number;
        const norm = K1 * (1 - B + (B * (this.lengths[doc] as number)) / this.averageLength);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * (frequency * (K1 + 1))) / (frequency + norm));
      }
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([doc]) => this.keys[doc] as K);
  }
}
