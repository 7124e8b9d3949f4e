/**
 * Reciprocal-rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): each list gives an item
 * 1 / (k + rank), the sums order the result. It needs no score calibration between BM25 and
 * cosine similarity, which live on unrelated scales. k = 60 is the paper's value and the
 * common default (Elasticsearch's and OpenSearch's `rank_constant`, Azure AI Search); it was
 * not tuned on any of our benchmarks.
 */

/** The rank constant; larger flattens the advantage of the top ranks. */
export const RRF_K = 60;

/**
 * Items of all `lists` ordered by fused score; ties keep the order of first appearance
 * (earlier lists first), so a single list comes back unchanged.
 *
 * @example
 * reciprocalRankFusion([["a", "b", "c"], ["c", "a"]], (x) => x); // ["a", "c", "b"]
 */
export function reciprocalRankFusion<T>(
  lists: readonly (readonly T[])[],
  key: (item: T) => string,
  k = RRF_K,
): T[] {
  const fused = new Map<string, { item: T; score: number; first: number }>();
  let seen = 0;
  for (const list of lists) {
    list.forEach((item, index) => {
      const id = key(item);
      const contribution = 1 / (k + index + 1);
      const entry = fused.get(id);
      if (entry) entry.score += contribution;
      else fused.set(id, { item, score: contribution, first: seen++ });
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .map((entry) => entry.item);
}

/**
 * Vector matches fused with lexical hits of the same kind, the first `limit` ids: what a graph
 * look-up is asked for when BM25 takes part.
 *
 * @example
 * fuseIds(["ent-a", "ent-b"], ["ent-b"], 40); // ["ent-b", "ent-a"]
 */
export function fuseIds(
  vectorIds: readonly string[],
  lexicalIds: readonly string[],
  limit: number,
): string[] {
  return reciprocalRankFusion([vectorIds, lexicalIds], (id) => id).slice(0, limit);
}
