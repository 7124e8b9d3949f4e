/**
 * Enforces the runtime flags before a body is read: writes answer 503 `read_only` in read-only
 * mode (globally, or for a workspace being restored) while queries, logins and the operator
 * routes keep working; disabled queries, uploads and MCP answer 503 `service_unavailable`.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { isReadRequest, QUERY_PATHS, UPLOAD_PATHS } from "../route-classes";
import { requestWorkspace } from "../workspace";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Routes that must keep working in read-only mode: sign-in and the operator's way out. */
function isOperatorOrAuth(path: string): boolean {
  return (
    path === "/login" ||
    path.startsWith("/auth/") ||
    path === "/admin/flags" ||
    path === "/admin/backups" ||
    path.startsWith("/admin/backups/")
  );
}

function isMcp(path: string): boolean {
  return path === "/mcp" || path.startsWith("/mcp/");
}

function disabled(message: string): AppError {
  return new AppError(503, "service_unavailable", message, { headers: { "Retry-After": "60" } });
}

export const flagGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const path = c.req.path;
  const checked = WRITE_METHODS.has(c.req.method) || isMcp(path);
  if (!checked || isOperatorOrAuth(path)) return next();
  // Resolved once for the request by resolveRuntimeFlags.
  const flags = c.get("flags");
  const workspaceLocks = c.get("workspaceLocks");
  if (QUERY_PATHS.has(path)) {
    if (!flags.ENABLE_QUERIES) throw disabled("Queries are disabled (ENABLE_QUERIES=false)");
    return next();
  }
  if (isMcp(path) && !flags.MCP_SERVER_ENABLED) {
    throw disabled("The MCP server is disabled (MCP_SERVER_ENABLED=false)");
  }
  if (isReadRequest(c.req.method, path)) return next();
  if (flags.READ_ONLY_MODE) {
    throw new AppError(503, "read_only", "The service is in read-only mode; queries still work", {
      headers: { "Retry-After": "300" },
      details: { read_only: true, scope: "service" },
    });
  }
  const workspace = requestWorkspace(c);
  const lock = Object.hasOwn(workspaceLocks, workspace) ? workspaceLocks[workspace] : undefined;
  if (lock) {
    throw new AppError(503, "read_only", `Workspace ${workspace} is read-only: ${lock.reason}`, {
      headers: { "Retry-After": "60" },
      details: { read_only: true, scope: "workspace", workspace, since: lock.since },
    });
  }
  if (UPLOAD_PATHS.has(path) && flags.DISABLE_DOCUMENT_UPLOAD) {
    throw disabled("Document upload is disabled (DISABLE_DOCUMENT_UPLOAD=true)");
  }
  await next();
};
