/**
 * Enforces the runtime flags before a body is read, as each route's policy declares them
 * (`src/http/route-policy.ts`): writes answer 503 `read_only` in read-only mode (globally, or
 * for a workspace being restored) unless the route is read-only exempt (sign-in, the operator's
 * flags and backups); routes gated by a switched-off flag (queries, upload, MCP) answer 503
 * `service_unavailable`.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { requestWorkspace } from "../workspace";
import { routePolicyOf } from "./route-policy";

function disabled(message: string): AppError {
  return new AppError(503, "service_unavailable", message, { headers: { "Retry-After": "60" } });
}

export const flagGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { gate, write, readOnlyExempt } = routePolicyOf(c);
  const refusedWhileReadOnly = write && !readOnlyExempt;
  if (!gate && !refusedWhileReadOnly) return next();
  // Resolved once for the request by resolveRuntimeFlags.
  const flags = c.get("flags");
  const workspaceLocks = c.get("workspaceLocks");
  if (gate === "queries" && !flags.ENABLE_QUERIES) {
    throw disabled("Queries are disabled (ENABLE_QUERIES=false)");
  }
  if (gate === "mcp" && !flags.MCP_SERVER_ENABLED) {
    throw disabled("The MCP server is disabled (MCP_SERVER_ENABLED=false)");
  }
  if (!refusedWhileReadOnly) return next();
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
  if (gate === "upload" && flags.DISABLE_DOCUMENT_UPLOAD) {
    throw disabled("Document upload is disabled (DISABLE_DOCUMENT_UPLOAD=true)");
  }
  await next();
};
