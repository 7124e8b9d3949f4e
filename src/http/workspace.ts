/**
 * The workspace a request acts in. The principal's workspace wins (the auth layer checks the
 * `LIGHTRAG-WORKSPACE` header against memberships before setting it); without a principal the
 * header, then the configured default.
 */
import type { Context } from "hono";
import { WORKSPACE_PATTERN } from "../config/server";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";

export const WORKSPACE_HEADER = "LIGHTRAG-WORKSPACE";

/** Validates a workspace name from a client; `undefined` when absent or blank. */
export function parseWorkspaceHeader(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const name = value.trim();
  if (!WORKSPACE_PATTERN.test(name)) {
    throw new AppError(400, "bad_request", `${WORKSPACE_HEADER} must be 1-64 letters, digits or underscores`);
  }
  return name;
}

/**
 * Resolves the request's workspace.
 *
 * @example
 * const workspace = requestWorkspace(c); // "default" unless a token or header says otherwise
 */
export function requestWorkspace(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (principal) return principal.workspace;
  return parseWorkspaceHeader(c.req.header(WORKSPACE_HEADER)) ?? c.get("config").WORKSPACE;
}
