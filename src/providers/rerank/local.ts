/**
 * The offline reranker (`RERANK_BINDING=local`): BM25 (k1 1.2, b 0.75) of the query's content
 * words over the candidate documents, with document frequencies taken from the candidates
 * themselves, squashed to [0, 1) by s / (s + 1) so MIN_RERANK_SCORE means the same on every
 * call size. Deterministic and free: for tests, `npm start` and deployments without a model.
 */
import { contentWords } from "../local/text";
import type { RerankResult } from "../types";
import { bestFirst, type RerankTransport } from "./transport";

export const LOCAL_RERANK_MODEL = "local-bm25";

const K1 = 1.2;
const B = 0.75;

/**
 * BM25 scores of `documents` for `query`, in document order, each in [0, 1).
 *
 * @example
 * bm25Scores("capital of France", ["Paris is the capital of France.", "Tokyo is in Japan."]); // [0.6…, 0]
 */
export function bm25Scores(query: string, documents: string[]): number[] {
  const terms = [...new Set(contentWords(query))];
  const docs = documents.map((text) => {
    const counts = new Map<string, number>();
    const words = contentWords(text);
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    return { counts, length: words.length };
  });
  const n = docs.length;
  const average = n === 0 ? 0 : docs.reduce((sum, d) => sum + d.length, 0) / n || 1;
  const idf = new Map(
    terms.map((term) => {
      const df = docs.filter((d) => d.counts.has(term)).length;
      return [term, Math.log(1 + (n - df + 0.5) / (df + 0.5))];
    }),
  );
  return docs.map(({ counts, length }) => {
    let score = 0;
    for (const term of terms) {
      const tf = counts.get(term) ?? 0;
      if (tf === 0) continue;
      score += ((idf.get(term) ?? 0) * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / average));
    }
    return score / (score + 1);
  });
}

export class LocalRerankTransport implements RerankTransport {
  readonly binding = "local";
  readonly host = undefined;

  constructor(readonly model: string = LOCAL_RERANK_MODEL) {}

  async rerank(query: string, documents: string[], topN: number | undefined): Promise<RerankResult[]> {
    const ranked = bestFirst(
      bm25Scores(query, documents).map((relevanceScore, index) => ({ index, relevanceScore })),
      documents.length,
    );
    return topN === undefined ? ranked : ranked.slice(0, topN);
  }
}
