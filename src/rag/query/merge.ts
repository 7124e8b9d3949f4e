/** Round-robin merge of ranked lists with de-duplication, as LightRAG combines local, global and vector results. */

/**
 * Takes the first item of each list, then the second of each, and so on, skipping keys already taken.
 *
 * @example
 * roundRobin([["a", "b"], ["b", "c"]], (x) => x); // ["a", "b", "c"]
 */
export function roundRobin<T>(lists: T[][], key: (item: T) => string | number): T[] {
  const seen = new Set<string | number>();
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) {
    for (const list of lists) {
      const item = list[i];
      if (item === undefined) continue;
      const k = key(item);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}
