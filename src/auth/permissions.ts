/**
 * The permission table every request passes through (`requireAuth`): which paths are public,
 * and the least role each other route needs. Default deny: a route nobody listed needs a
 * login, and any method that can change state needs `user` unless it is a known read.
 */
import { isReadRequest } from "../http/route-classes";
import type { Role } from "./principal";

/** Exact public paths: health, login flows, LightRAG's auth status, key discovery, API docs. */
const PUBLIC_PATHS = new Set([
  "/health",
  "/login",
  "/auth/login",
  "/auth/register",
  "/auth/refresh",
  "/auth-status",
  "/.well-known/jwks.json",
  "/metrics",
  "/docs",
  "/docs/oauth2-redirect",
  "/openapi.json",
  "/",
  "/favicon.ico",
]);

/** Public prefixes: health probes and the static web UI. */
const PUBLIC_PREFIXES = ["/health/", "/webui/", "/static/", "/assets/"];

/** Routes any authenticated caller may use on their own session. */
const SELF_SERVICE = new Set(["/auth/logout", "/auth/me", "/auth/password"]);

/** True for paths anyone may call without credentials. */
export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * The least role `method path` needs; `null` when the path is public.
 *
 * @example
 * requiredRole("POST", "/documents/text") // "user"
 * requiredRole("POST", "/query")          // "viewer"
 * requiredRole("GET", "/admin/users")     // "admin"
 */
export function requiredRole(method: string, path: string): Role | null {
  if (isPublicPath(path)) return null;
  if (path === "/admin" || path.startsWith("/admin/")) return "admin";
  if (SELF_SERVICE.has(path)) return "viewer";
  if (isReadRequest(method, path)) return "viewer";
  return "user";
}
