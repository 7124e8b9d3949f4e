/**
 * Enforcement for every route (default deny), after the rate limiter: public routes pass, any
 * other needs a principal (401) whose role meets the route's declared access (403; the route
 * policy table, `src/http/route-policy.ts`). Route modules can demand more with `requireRole`.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { routePolicyOf } from "../../http/middleware/route-policy";
import { accessDenied, authFailure } from "../events";
import { roleFor } from "../permissions";
import type { Role } from "../principal";
import { hasRole } from "../roles";

function demand(c: Context<AppEnv>, needed: Role): void {
  const principal = c.get("principal");
  if (!principal) {
    authFailure(c, "access_unauthenticated", "missing_credentials", null, {
      method: c.req.method,
      path: c.req.path,
    });
    throw new AppError(401, "unauthorized", "No credentials provided. Please login.", {
      headers: { "WWW-Authenticate": 'Bearer realm="lightrag-edge"' },
    });
  }
  if (!hasRole(principal.role, needed)) {
    accessDenied(c, { reason: "role", role: principal.role, required: needed });
    throw new AppError(403, "forbidden", `This action needs the ${needed} role`);
  }
}

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const refused = c.get("authError");
  if (refused) throw refused;
  const needed = roleFor(routePolicyOf(c).access);
  if (needed !== null) demand(c, needed);
  await next();
};

/**
 * Route-level guard for a stricter role than the table gives.
 *
 * @example
 * adminRoutes.use("/admin/*", requireRole("admin"));
 */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    demand(c, role);
    await next();
  };
}
