/**
 * The route class of a request for the dashboard: the rate-limit class its route policy
 * declares (`auth`, `query`, `ingest`, `admin`, `default`, `exempt`), so latency and error
 * charts group routes the way limits and budgets already do, with no second path table.
 */
import { ROUTE_POLICIES, type RouteKey, type RoutePolicy } from "../../http/route-policy";

/** Classes a request can fall in; `unmatched` is a path no route serves (404 before any policy). */
export const ROUTE_CLASSES = ["auth", "query", "ingest", "admin", "default", "exempt", "unmatched"] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

const policies: Partial<Record<RouteKey, RoutePolicy>> = ROUTE_POLICIES;

/**
 * The class of a request by method and route template (as the metrics middleware labels it).
 *
 * @example
 * routeClass("POST", "/query/stream"); // "query"
 * routeClass("HEAD", "/health/live"); // "exempt"
 */
export function routeClass(method: string, route: string): RouteClass {
  const lookup = method === "HEAD" ? "GET" : method;
  const policy = policies[`${lookup} ${route}` as RouteKey];
  return policy ? policy.rate : "unmatched";
}
