/**
 * Administrator checks for the admin routes. The auth middleware sets `principal`; in open
 * mode (AUTH_ENABLED=false) every caller is treated as an administrator, as the whole service
 * is open then. `requireAdministrator` is the default and admits global administrators only
 * (people with the administrator role): a route becomes reachable by an administrator API key
 * only by choosing `requireWorkspaceAdministrator`, which scopes it to the key's workspace.
 * Refusals are audited as `access_denied`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { audit } from "../audit";
import { adminScope, isGlobalAdministrator } from "../auth/admin-scope";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";
import { requestWorkspace } from "./workspace";

/** True when the caller is a global administrator (never an API key). */
export function isAdministrator(c: Context<AppEnv>): boolean {
  return c.get("config").AUTH_ENABLED === false || isGlobalAdministrator(c.get("principal"));
}

/**
 * Throws 401 (no identity) or 403 (not a global administrator) unless the caller is one.
 *
 * @example
 * requireAdministrator(c, "flags");
 */
export function requireAdministrator(c: Context<AppEnv>, resource: string): void {
  if (!isAdministrator(c)) refuse(c, resource);
}

/**
 * Admits a global administrator or an administrator API key, and returns the one workspace the
 * route may act on (the key's own; for a person, the request's workspace).
 *
 * @example
 * const workspace = requireWorkspaceAdministrator(c, "audit");
 */
export function requireWorkspaceAdministrator(c: Context<AppEnv>, resource: string): string {
  if (!isAdministrator(c) && adminScope(c.get("principal")) === null) refuse(c, resource);
  return requestWorkspace(c);
}

/**
 * `requireAdministrator` as route middleware.
 *
 * @example
 * adminUserRoutes.get("/admin/users", administratorOnly("users"), handler);
 */
export function administratorOnly(resource: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    requireAdministrator(c, resource);
    await next();
  };
}

function refuse(c: Context<AppEnv>, resource: string): never {
  const principal = c.get("principal");
  const scope = adminScope(principal);
  const byKey = scope?.kind === "workspace";
  audit(c, {
    event_type: "authorization",
    event_action: "access_denied",
    outcome: "denied",
    additional_data: {
      resource,
      method: c.req.method,
      path: c.req.path,
      role: principal?.role ?? null,
      ...(byKey ? { reason: "api_key_scope", workspace: scope.workspace } : {}),
    },
  });
  if (!principal) {
    throw new AppError(401, "unauthorized", "Authentication required", {
      headers: { "WWW-Authenticate": 'Bearer realm="lightrag-edge"' },
    });
  }
  if (byKey) {
    throw new AppError(
      403,
      "forbidden",
      "An API key administers only its own workspace; this needs an administrator account",
    );
  }
  throw new AppError(403, "forbidden", "Administrator role required");
}
