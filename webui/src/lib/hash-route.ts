/**
 * Pure parsing and building of hash routes (`#/graph?label=Alice`): the UI uses hash routing so
 * the static assets need no SPA fallback. No DOM here, so it is unit-tested in Node.
 */

export interface HashRoute {
  /** Path without the leading `#`, always starting with `/` (e.g. `/documents`). */
  path: string;
  /** Query parameters after `?` in the hash. */
  params: Record<string, string>;
}

/**
 * Parses `location.hash`.
 *
 * @example
 * parseHash("#/graph?label=Alice"); // { path: "/graph", params: { label: "Alice" } }
 */
export function parseHash(hash: string): HashRoute {
  const raw = hash.replace(/^#/, "");
  const [pathPart = "", query = ""] = raw.split("?", 2);
  const path = pathPart.startsWith("/") ? pathPart : `/${pathPart}`;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) params[key] = value;
  return { path: path === "/" ? "/" : path.replace(/\/+$/, ""), params };
}

/**
 * Builds a hash link.
 *
 * @example
 * hashHref("/graph", { label: "Alice" }); // "#/graph?label=Alice"
 */
export function hashHref(path: string, params: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== "") search.set(key, value);
  const query = search.toString();
  return `#${path}${query ? `?${query}` : ""}`;
}
