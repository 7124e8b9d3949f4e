/** Parsing of JSON that may be empty or corrupt (stored columns, payloads), without throwing. */

/**
 * `text` parsed, or `fallback` when it is not a string, is empty or is not JSON.
 *
 * @example
 * parseJson<string[]>(row.chunks_list, []);
 */
export function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== "string" || text === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
