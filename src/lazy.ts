/**
 * A value built on first use and kept: per-request services a request may never touch (an LLM
 * client, drizzle over D1), or a payload's text decoded only if something reads it.
 */

/**
 * `build()` on first call, then the same value.
 *
 * @example
 * const db = lazy(() => drizzle(env.DB));
 * await db().select().from(table);
 */
export function lazy<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: build() };
    return value.v;
  };
}
