/**
 * The graph-change callback every D1 writer of graph rows must be given: it is how the graph
 * index learns that its copy is stale. Required by type and checked at construction, because a
 * forgotten callback fails silently (queries keep reading the old graph from the index).
 */

/** Called after every committed graph change of a workspace (the graph index's invalidation). */
export type GraphChangeListener = (workspace: string) => Promise<void>;

/**
 * Throws unless `listener` is a function (callers outside TypeScript, or an `as` cast).
 *
 * @example
 * requireGraphChangeListener(onGraphChange); // in a constructor that commits graph rows
 */
export function requireGraphChangeListener(listener: unknown): asserts listener is GraphChangeListener {
  if (typeof listener !== "function") {
    throw new TypeError("a graph-change callback is required: graph writes must invalidate the graph index");
  }
}
