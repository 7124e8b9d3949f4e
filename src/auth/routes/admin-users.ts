/**
 * `/admin/users`: list, create, inspect, change role/email/disabled, unlock, delete. Accounts
 * span workspaces, so only people with the administrator role manage them, never an API key.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { administratorOnly } from "../../http/admin-access";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { readJsonBody } from "../../http/json-body";
import { revokeKeysOfUser } from "../api-keys";
import { adminChange } from "../events";
import { loginGuard } from "../lockout";
import { register } from "../register";
import { requestAccounts } from "../request-accounts";
import { roleSchema } from "../roles";
import { registerBody } from "../schemas";
import { revokeUserSessions } from "../sessions";
import { publicUser, type UserRow } from "../store/users";

export const adminUserRoutes = new Hono<AppEnv>();
/**
 * Defence in depth (`requireAuth` already demands admin for /admin/*) and the API-key rule:
 * global administrators only. Per route, as a route-level `use` would break 405s.
 */
const admin = administratorOnly("users");

export const page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const changes = z
  .object({
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    email: z.email().max(254).nullable().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, "name at least one of role, disabled, email");

function parseQuery<T extends z.ZodType>(c: Context<AppEnv>, schema: T): z.output<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new AppError(422, "validation_error", "Invalid query parameters", {
      details: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  return parsed.data;
}

async function existingUser(c: Context<AppEnv>): Promise<UserRow> {
  const user = await requestAccounts(c).directory.findUserById(c.req.param("id") ?? "");
  if (!user) throw new AppError(404, "not_found", "No such user");
  return user;
}

/** Refuses a change that would leave no enabled administrator to manage the service. */
async function keepOneAdmin(c: Context<AppEnv>, user: UserRow, stillAdmin: boolean): Promise<void> {
  if (user.role !== "admin" || user.disabled || stillAdmin) return;
  if ((await requestAccounts(c).directory.countActiveAdmins()) <= 1) {
    throw new AppError(409, "conflict", "This is the last enabled administrator");
  }
}

adminUserRoutes.get("/admin/users", admin, async (c) => {
  const { limit, offset } = parseQuery(c, page);
  const rows = await requestAccounts(c).directory.listUsers(limit, offset);
  const users = await Promise.all(
    rows.map(async (row) => publicUser(row, await requestAccounts(c).directory.userWorkspaces(row.id))),
  );
  return c.json({ users, limit, offset });
});

adminUserRoutes.post("/admin/users", admin, async (c) => {
  const { user, workspaces } = await register(c, await readJsonBody(c, registerBody));
  adminChange(c, "user_created", { target_user_id: user.id, role: user.role, workspaces });
  return c.json({ user: publicUser(user, workspaces) }, 201);
});

adminUserRoutes.get("/admin/users/:id", admin, async (c) => {
  const user = await existingUser(c);
  return c.json({ user: publicUser(user, await requestAccounts(c).directory.userWorkspaces(user.id)) });
});

adminUserRoutes.patch("/admin/users/:id", admin, async (c) => {
  const body = await readJsonBody(c, changes);
  const user = await existingUser(c);
  const stillAdmin = (body.role ?? user.role) === "admin" && !(body.disabled ?? user.disabled);
  await keepOneAdmin(c, user, stillAdmin);
  await requestAccounts(c).directory.updateUser(user.id, body);
  const roleChanged = body.role !== undefined && body.role !== user.role;
  // Tokens carry the role; disabling or changing it must not wait for them to expire.
  if (roleChanged || body.disabled === true)
    await revokeUserSessions(requestAccounts(c).credentials, c.get("config"), user.id);
  // Only administrators make keys, and a key must not outlive its maker's power (docs/security.md).
  const keysEnd =
    body.disabled === true ? "owner_disabled" : roleChanged && user.role === "admin" ? "owner_demoted" : null;
  if (keysEnd) {
    const revoked = await revokeKeysOfUser(requestAccounts(c).credentials, user.id);
    if (revoked.length > 0)
      adminChange(c, "api_key_revoked", { reason: keysEnd, target_user_id: user.id, api_key_ids: revoked });
  }
  if (roleChanged)
    adminChange(c, "role_changed", { target_user_id: user.id, from: user.role, to: body.role });
  if (body.disabled !== undefined && body.disabled !== user.disabled) {
    adminChange(c, body.disabled ? "user_disabled" : "user_enabled", { target_user_id: user.id });
  }
  if (body.email !== undefined)
    adminChange(c, "user_updated", { target_user_id: user.id, fields: ["email"] });
  const updated = (await requestAccounts(c).directory.findUserById(user.id)) ?? user;
  return c.json({ user: publicUser(updated, await requestAccounts(c).directory.userWorkspaces(user.id)) });
});

adminUserRoutes.post("/admin/users/:id/unlock", admin, async (c) => {
  const user = await existingUser(c);
  await loginGuard(c.env, user.username).unlock();
  adminChange(c, "account_unlocked", { target_user_id: user.id });
  return c.json({ status: "unlocked", user_id: user.id });
});

adminUserRoutes.delete("/admin/users/:id", admin, async (c) => {
  const user = await existingUser(c);
  await keepOneAdmin(c, user, false);
  await revokeUserSessions(requestAccounts(c).credentials, c.get("config"), user.id);
  await requestAccounts(c).directory.deleteUser(user.id);
  adminChange(c, "user_deleted", { target_user_id: user.id, username: user.username });
  return c.json({ status: "deleted", user_id: user.id });
});
