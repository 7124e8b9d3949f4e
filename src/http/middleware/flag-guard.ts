/**
 * Enforces the runtime flags before a body is read, as each route's policy declares them
 * (`src/http/route-policy.ts`): writes answer 503 `read_only` in read-only mode (globally, or
 * for a workspace being restored) unless the route is read-only exempt (sign-in, the operator's
 * flags and backups); routes gated by a switched-off flag (queries, upload, MCP) answer 503
 * `service_unavailable`.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import type { Gate } from "../route-policy";
import { requestWorkspace } from "../workspace";
import { routePolicyOf } from "./route-policy";

function disabled(message: string): AppError {
  return new AppError(503, "service_unavailable", message, { headers: { "Retry-After": "60" } });
}

/**
 * 503 when `gate` (queries or MCP) is switched off. Also called by MCP tools, whose route is
 * gated by MCP only, for the query switch of the operation they run.
 *
 * @example
 * assertGateOpen(c, "queries");
 */
export function assertGateOpen(c: Context<AppEnv>, gate: Gate): void {
  const flags = c.get("flags");
  if (gate === "queries" && !flags.ENABLE_QUERIES) {
    throw disabled("Queries are disabled (ENABLE_QUERIES=false)");
  }
  if (gate === "mcp" && !flags.MCP_SERVER_ENABLED) {
    throw disabled("The MCP server is disabled (MCP_SERVER_ENABLED=false)");
  }
}

/**
 * 503 `read_only` in read-only mode or when the request's workspace is locked; then 503 when
 * `gate` is `upload` and uploads are switched off. Also called by MCP write tools.
 *
 * @example
 * assertWritable(c, "upload");
 */
export function assertWritable(c: Context<AppEnv>, gate?: Gate): void {
  // Resolved once for the request by resolveRuntimeFlags.
  const flags = c.get("flags");
  const workspaceLocks = c.get("workspaceLocks");
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
}

export const flagGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { gate, write, readOnlyExempt } = routePolicyOf(c);
  if (gate) assertGateOpen(c, gate);
  if (write && !readOnlyExempt) assertWritable(c, gate);
  await next();
};
