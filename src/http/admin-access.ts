/**
 * Administrator checks for the observability routes. The auth middleware sets `principal`;
 * in open mode (AUTH_ENABLED=false) every caller is treated as an administrator, as the
 * whole service is open then. Refusals are audited as `access_denied`.
 */
import type { Context } from "hono";
import { audit } from "../audit";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";

/** True when the caller may use administrator routes. */
export function isAdministrator(c: Context<AppEnv>): boolean {
  return c.get("config").AUTH_ENABLED === false || c.get("principal")?.role === "admin";
}

/**
 * Throws 401 (no identity) or 403 (not an administrator) unless the caller is one.
 *
 * @example
 * requireAdministrator(c, "audit_read");
 */
export function requireAdministrator(c: Context<AppEnv>, resource: string): void {
  if (isAdministrator(c)) return;
  const principal = c.get("principal");
  audit(c, {
    event_type: "authorization",
    event_action: "access_denied",
    outcome: "denied",
    additional_data: { resource, method: c.req.method, path: c.req.path, role: principal?.role ?? null },
  });
  if (!principal) {
    throw new AppError(401, "unauthorized", "Authentication required", {
      headers: { "WWW-Authenticate": 'Bearer realm="lightrag-edge"' },
    });
  }
  throw new AppError(403, "forbidden", "Administrator role required");
}
