/**
 * `/admin/api-keys`: list, create (the key is shown once), revoke. Administrators only. A
 * person with the administrator role manages every key; an administrator API key only the keys
 * of its own workspace, and never mints a key with a higher role or a longer life than itself.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { readJsonBody } from "../../http/json-body";
import { type AdminScope, adminScope, reaches } from "../admin-scope";
import {
  childExpiry,
  createApiKey,
  findApiKeyById,
  listApiKeys,
  publicApiKey,
  revokeApiKey,
} from "../api-keys";
import { accessDenied, adminChange } from "../events";
import { requireRole } from "../middleware/require-auth";
import type { Principal } from "../principal";
import { requestAccounts } from "../request-accounts";
import { hasRole, roleSchema } from "../roles";
import { workspaceSchema } from "../schemas";

export const adminApiKeyRoutes = new Hono<AppEnv>();
/** Defence in depth: `requireAuth` already demands admin for /admin/*; route-level `use` would break 405s. */
const admin = requireRole("admin");

const DAY_MS = 24 * 60 * 60 * 1000;

export const newKey = z.object({
  name: z.string().trim().min(1).max(100),
  role: roleSchema.default("viewer"),
  workspace: workspaceSchema,
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});

/** The caller's reach; `admin` has run, so there is one (open mode's guest is global). */
function scopeOf(c: Context<AppEnv>): { principal: Principal | undefined; scope: AdminScope } {
  const principal = c.get("principal");
  return { principal, scope: adminScope(principal) ?? { kind: "global" } };
}

adminApiKeyRoutes.get("/admin/api-keys", admin, async (c) => {
  const { scope } = scopeOf(c);
  const rows = await listApiKeys(
    requestAccounts(c).credentials,
    scope.kind === "workspace" ? scope.workspace : undefined,
  );
  return c.json({ api_keys: rows.map(publicApiKey) });
});

adminApiKeyRoutes.post("/admin/api-keys", admin, async (c) => {
  const body = await readJsonBody(c, newKey);
  const { principal, scope } = scopeOf(c);
  if (!reaches(scope, body.workspace) || (principal && !hasRole(principal.role, body.role))) {
    accessDenied(c, { reason: "api_key_scope", requested_role: body.role, workspace: body.workspace });
    throw new AppError(403, "forbidden", "An API key can only create keys of its own workspace and role");
  }
  // A key made by a key lives no longer than its parent (whose row the principal names).
  const parent =
    principal?.via === "api_key" && principal.sessionId
      ? await findApiKeyById(requestAccounts(c).credentials, principal.sessionId)
      : null;
  const requested = body.expires_in_days ? Date.now() + body.expires_in_days * DAY_MS : null;
  const { key, row } = await createApiKey(requestAccounts(c).credentials, {
    name: body.name,
    role: body.role,
    workspace: body.workspace,
    createdBy: principal?.userId ?? null,
    expiresAt: childExpiry(requested, parent),
  });
  adminChange(c, "api_key_created", {
    api_key_id: row.id,
    role: row.role,
    workspace: row.workspace,
    name: row.name,
  });
  c.header("Cache-Control", "no-store");
  return c.json({ ...publicApiKey(row), api_key: key }, 201);
});

adminApiKeyRoutes.delete("/admin/api-keys/:id", admin, async (c) => {
  const { scope } = scopeOf(c);
  // Keys of other workspaces are not there for a workspace key: 404, not a hint that they exist.
  const workspace = scope.kind === "workspace" ? scope.workspace : undefined;
  const revoked = await revokeApiKey(requestAccounts(c).credentials, c.req.param("id") ?? "", workspace);
  if (!revoked) throw new AppError(404, "not_found", "No such API key");
  adminChange(c, "api_key_revoked", { api_key_id: revoked.row.id, cascaded: revoked.cascaded });
  return c.json(publicApiKey(revoked.row));
});
