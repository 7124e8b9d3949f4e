/**
 * Knows which methods each path accepts, so that an unknown path answers 404 and a known
 * path with the wrong method answers 405 with `Allow`, before any body is read.
 */

import { PatternRouter } from "hono/router/pattern-router";
import type { RouterRoute } from "hono/types";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export interface RouteTable {
  /** Methods that `path` accepts; empty when no route has this path. */
  allowedMethods(path: string): string[];
}

/**
 * Builds a table from a Hono app's `routes`.
 *
 * @example
 * const table = buildRouteTable(api.routes);
 * table.allowedMethods("/health/live"); // ["GET", "HEAD"]
 */
export function buildRouteTable(routes: RouterRoute[]): RouteTable {
  const router = new PatternRouter<true>();
  for (const route of routes) router.add(route.method, route.path, true);
  const cache = new Map<string, string[]>();
  return {
    allowedMethods(path) {
      const known = cache.get(path);
      if (known) return known;
      const allowed = METHODS.filter((method) => {
        const lookup = method === "HEAD" ? "GET" : method;
        return router.match(lookup, path)[0].length > 0;
      });
      // Paths with parameters are unbounded; only memoise while the cache stays small.
      if (cache.size < 1000) cache.set(path, allowed);
      return allowed;
    },
  };
}
