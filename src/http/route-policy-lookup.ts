/**
 * Finds the declared policy of a request (method + concrete path) in the route policy table,
 * with the same router family Hono routes with, so `/admin/users/u-1` finds
 * `PATCH /admin/users/:id`. HEAD is answered by GET routes and takes their policy.
 */
import { PatternRouter } from "hono/router/pattern-router";
import { RESERVED_ROUTE_POLICIES, ROUTE_POLICIES, type RouteKey, type RoutePolicy } from "./route-policy";

export interface PolicyMatch {
  key: RouteKey;
  policy: RoutePolicy;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

const router = new PatternRouter<PolicyMatch>();
for (const table of [ROUTE_POLICIES, RESERVED_ROUTE_POLICIES]) {
  for (const [key, policy] of Object.entries(table) as [RouteKey, RoutePolicy][]) {
    const space = key.indexOf(" ");
    router.add(key.slice(0, space), key.slice(space + 1), { key, policy });
  }
}

/**
 * The declaration `method path` falls under, or `undefined` when the table has none.
 *
 * @example
 * lookupRoutePolicy("DELETE", "/admin/users/u-1")?.key; // "DELETE /admin/users/:id"
 */
export function lookupRoutePolicy(method: string, path: string): PolicyMatch | undefined {
  const lookup = method === "HEAD" ? "GET" : method;
  return router.match(lookup, path)[0][0]?.[0];
}

/**
 * The policy of `method path`; a request the table does not declare gets the default-deny
 * policy of `unlistedPolicy`.
 *
 * @example
 * routePolicyFor("POST", "/query").rate; // "query"
 */
export function routePolicyFor(method: string, path: string): RoutePolicy {
  return lookupRoutePolicy(method, path)?.policy ?? unlistedPolicy(method, path);
}

/**
 * The safety net for a request without a declaration. In the app it is unreachable: routeGuard
 * answers 404 to unknown paths, and the route-policy test fails for a registered route without
 * a line in the table. It serves apps assembled from single middleware (tests) and keeps
 * default deny if both guards were ever bypassed: a login for reads, an editor for anything
 * that can change state, an administrator (and the admin limit) under /admin.
 */
function unlistedPolicy(method: string, path: string): RoutePolicy {
  const underAdmin = path === "/admin" || path.startsWith("/admin/");
  const write = !SAFE_METHODS.has(method);
  if (underAdmin) return { access: "admin", write, rate: "admin", body: "json" };
  return { access: write ? "user" : "viewer", write, rate: "default", body: "json" };
}
