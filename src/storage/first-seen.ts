/**
 * Numbers values in the order they are first seen: how a graph look-up numbers the chunks its
 * hits cite and the hits themselves (storage/graph-rank.ts, graph-index/memory-graph.ts), so
 * the query compares numbers instead of strings.
 */

export class FirstSeen<T> {
  /** The values by number. */
  readonly values: T[] = [];
  private readonly numberOf = new Map<T, number>();

  /**
   * The number of `value`: the next free one the first time it is seen, the same afterwards.
   *
   * @example
   * const chunks = new FirstSeen<string>();
   * chunks.number("c2"); // 0
   * chunks.number("c1"); // 1
   * chunks.number("c2"); // 0
   * chunks.values; // ["c2", "c1"]
   */
  number(value: T): number {
    let at = this.numberOf.get(value);
    if (at === undefined) {
      at = this.values.push(value) - 1;
      this.numberOf.set(value, at);
    }
    return at;
  }
}
