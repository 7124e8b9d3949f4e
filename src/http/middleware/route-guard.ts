/** Answers 404 for unknown paths and 405 (with `Allow`) for known paths with another method. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import type { RouteTable } from "../route-table";

export function routeGuard(table: RouteTable): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const allowed = table.allowedMethods(c.req.path);
    if (allowed.length === 0) {
      throw new AppError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
    }
    if (!allowed.includes(c.req.method)) {
      throw new AppError(405, "method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}`, {
        headers: { Allow: allowed.join(", ") },
        details: { allowed },
      });
    }
    await next();
  };
}
