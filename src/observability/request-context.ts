/**
 * Request facts that observability records need and must get without ever throwing: the
 * workspace (principal, then a valid header, then the default) and the route template.
 */
import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import { WORKSPACE_PATTERN } from "../config/server";
import type { AppEnv } from "../http/app-env";
import { WORKSPACE_HEADER } from "../http/workspace";

/** Route label of requests no route matched; one value so unknown paths cannot explode cardinality. */
export const UNMATCHED_ROUTE = "unmatched";

/** The workspace to file a record under; never throws, unlike `requestWorkspace`. */
export function recordWorkspace(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (principal) return principal.workspace;
  const header = c.req.header(WORKSPACE_HEADER)?.trim();
  // The configured default workspace; "default" while the config is invalid (configGuard left it unset).
  return header && WORKSPACE_PATTERN.test(header) ? header : (c.get("config")?.WORKSPACE ?? "default");
}

/**
 * The template of the route that matched (`/documents/:id`), never the raw path.
 *
 * @example
 * routeTemplate(c) // "/graph/entity/edit" or "unmatched"
 */
export function routeTemplate(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index];
    if (route && route.method !== "ALL" && !route.path.includes("*")) return route.path;
  }
  return UNMATCHED_ROUTE;
}

/**
 * `waitUntil` of the request, tracked by its invocation (so the Postgres pool outlives the task):
 * the one way request code hands work off (test/node/layering.test.ts holds every other module
 * to it).
 *
 * @example
 * requestWaitUntil(c)(recordApiKeyUse(credentials, row));
 */
export function requestWaitUntil(c: Context<AppEnv>): (p: Promise<unknown>) => void {
  return c.get("invocation")?.waitUntil ?? executionWaitUntil(c);
}

/** The execution context's own `waitUntil`, or a detached runner when there is none (unit code). */
export function executionWaitUntil(c: Context<AppEnv>): (p: Promise<unknown>) => void {
  try {
    const ctx = c.executionCtx;
    return (p) => ctx.waitUntil(p);
  } catch {
    return (p) => void p.catch(() => undefined);
  }
}
