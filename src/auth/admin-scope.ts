/**
 * How far an administrator reaches. A person with the administrator role (or anyone in open
 * mode) administers the whole service; an administrator API key administers only its own
 * workspace and is never a global administrator (docs/security.md, "API keys: scope and
 * lifetime"). Routes ask here instead of comparing `role === "admin"` themselves.
 */
import type { Principal } from "./principal";

/** What an administrator may act on: everything, or one workspace. */
export type AdminScope = { kind: "global" } | { kind: "workspace"; workspace: string };

/**
 * The administration reach of `principal`; null when it is no administrator at all.
 *
 * @example
 * adminScope({ userId: "api_key:k1", role: "admin", workspace: "acme", via: "api_key" });
 * // { kind: "workspace", workspace: "acme" }
 */
export function adminScope(principal: Principal | undefined): AdminScope | null {
  if (principal?.role !== "admin") return null;
  // A key is a machine credential bound to one workspace: it never inherits global powers.
  if (principal.via === "api_key") return { kind: "workspace", workspace: principal.workspace };
  return { kind: "global" };
}

/** True for a person with the administrator role, or the guest of open mode. */
export function isGlobalAdministrator(principal: Principal | undefined): boolean {
  return adminScope(principal)?.kind === "global";
}

/** True when an administrator of `scope` may act on `workspace`. */
export function reaches(scope: AdminScope, workspace: string): boolean {
  return scope.kind === "global" || scope.workspace === workspace;
}
