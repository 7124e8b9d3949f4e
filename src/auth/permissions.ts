/**
 * What a route's declared access (`src/http/route-policy.ts`) demands of the caller: no one for
 * public routes, any signed-in principal for self-service, else at least a role. Default deny:
 * a request the table does not declare needs a login, and an editor if it can change state.
 */

import type { Access } from "../http/route-policy";
import { routePolicyFor } from "../http/route-policy-lookup";
import type { Principal, Role } from "./principal";
import { hasRole } from "./roles";

/**
 * The least role an access level needs; `null` for public routes. Self-service routes act only
 * on the caller's own account, so any role will do.
 *
 * @example
 * roleFor("self"); // "viewer"
 */
export function roleFor(access: Access): Role | null {
  if (access === "public") return null;
  if (access === "self") return "viewer";
  return access;
}

/**
 * True when `principal` may call a route of this access level (without a principal: only
 * public routes).
 *
 * @example
 * permits({ ...principal, role: "viewer" }, "user"); // false
 */
export function permits(principal: Principal | undefined, access: Access): boolean {
  const needed = roleFor(access);
  if (needed === null) return true;
  return principal !== undefined && hasRole(principal.role, needed);
}

/**
 * The least role `method path` needs; `null` when the route is public.
 *
 * @example
 * requiredRole("POST", "/documents/text") // "user"
 * requiredRole("POST", "/query")          // "viewer"
 * requiredRole("GET", "/admin/users")     // "admin"
 */
export function requiredRole(method: string, path: string): Role | null {
  return roleFor(routePolicyFor(method, path).access);
}
