/**
 * Route classes that several layers must agree on: the permission table (auth), the rate
 * limiter and the flag guard. One list, so a read-only POST cannot be a read in one layer and a
 * write in another.
 */

/** Query routes: LightRAG's, the seed's /api/query and the Ollama emulation. */
export const QUERY_PATHS: ReadonlySet<string> = new Set([
  "/query",
  "/query/stream",
  "/query/data",
  "/api/query",
  "/api/chat",
  "/api/generate",
]);

/** POST routes that only read: queries, LightRAG's paginated listing, graph look-ups. */
export const READ_POSTS: ReadonlySet<string> = new Set([
  ...QUERY_PATHS,
  "/documents/paginated",
  "/graph/entity/exists",
]);

/** Routes that add documents. */
export const UPLOAD_PATHS: ReadonlySet<string> = new Set([
  "/documents/upload",
  "/documents/text",
  "/documents/texts",
]);

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * True when `method path` cannot change state.
 *
 * @example
 * isReadRequest("POST", "/documents/paginated"); // true
 * isReadRequest("DELETE", "/documents"); // false
 */
export function isReadRequest(method: string, path: string): boolean {
  return SAFE_METHODS.has(method) || READ_POSTS.has(path);
}
