/**
 * A per-isolate memo of pure computations with a bounded number of entries: when full it starts
 * over (no LRU bookkeeping on the hot path). Shared by the tokenizer's pieces, the query side's
 * token counts and the vector ids, each of which comes back request after request.
 */
export class BoundedMemo<V> {
  private entries = new Map<string, V>();

  /** @param maxEntries Entries kept before the memo starts over, bounding its memory. */
  constructor(private readonly maxEntries: number) {}

  /**
   * The value of `key`, computed by `compute` the first time (and again after a start-over).
   *
   * @example
   * const ids = new BoundedMemo<string>(20_000);
   * ids.get(name, () => `ent-${md5Hex(name)}`);
   */
  get(key: string, compute: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute();
      if (this.entries.size >= this.maxEntries) this.entries = new Map();
      this.entries.set(key, value);
    }
    return value;
  }
}
