/**
 * Looks up the request's route policy once, right after routeGuard, and keeps it in the
 * context: permission, rate limit, flag guard, body rules and token renewal all read this one
 * object (`src/http/route-policy.ts`).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import type { RoutePolicy } from "../route-policy";
import { routePolicyFor } from "../route-policy-lookup";

export const resolveRoutePolicy: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("routePolicy", routePolicyFor(c.req.method, c.req.path));
  await next();
};

/**
 * The request's policy: the one `resolveRoutePolicy` stored, else looked up now and stored (for
 * apps assembled without it, as some tests do).
 *
 * @example
 * if (routePolicyOf(c).write) { ... }
 */
export function routePolicyOf(c: Context<AppEnv>): RoutePolicy {
  const stored = c.get("routePolicy");
  if (stored) return stored;
  const policy = routePolicyFor(c.req.method, c.req.path);
  c.set("routePolicy", policy);
  return policy;
}
