/**
 * `/admin/workspaces`: list and create workspaces, list, add and remove members. Administrators
 * only; an administrator API key may only list the members of its own workspace (workspaces
 * and memberships are structure that people with the administrator role manage).
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { administratorOnly } from "../../http/admin-access";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { readJsonBody } from "../../http/json-body";
import { adminScope, reaches } from "../admin-scope";
import { accessDenied, adminChange } from "../events";
import { requireRole } from "../middleware/require-auth";
import { requestAccounts } from "../request-accounts";
import { workspaceSchema } from "../schemas";
import { revokeUserSessions } from "../sessions";

export const adminWorkspaceRoutes = new Hono<AppEnv>();
/** Defence in depth: `requireAuth` already demands admin for /admin/*; route-level `use` would break 405s. */
const admin = requireRole("admin");
/** Global administrators only: no API key creates workspaces or changes memberships. */
const globalAdmin = administratorOnly("workspaces");

export const newWorkspace = z.object({
  id: workspaceSchema,
  display_name: z.string().trim().min(1).max(200).optional(),
});
export const newMember = z.object({ user_id: z.string().min(1).max(64) });

async function existingWorkspace(c: Context<AppEnv>): Promise<string> {
  const id = workspaceSchema.safeParse(c.req.param("id"));
  const scope = adminScope(c.get("principal"));
  // Checked before existence, so a workspace key learns nothing about other workspaces.
  if (scope && !reaches(scope, id.success ? id.data : "")) {
    accessDenied(c, { reason: "api_key_scope", workspace: id.success ? id.data : null });
    throw new AppError(403, "forbidden", "An API key administers only its own workspace");
  }
  if (!id.success || !(await requestAccounts(c).directory.workspaceExists(id.data)))
    throw new AppError(404, "not_found", "No such workspace");
  return id.data;
}

adminWorkspaceRoutes.get("/admin/workspaces", globalAdmin, async (c) =>
  c.json({ workspaces: await requestAccounts(c).directory.listWorkspaces() }),
);

adminWorkspaceRoutes.post("/admin/workspaces", globalAdmin, async (c) => {
  const body = await readJsonBody(c, newWorkspace);
  if (!(await requestAccounts(c).directory.createWorkspace(body.id, body.display_name ?? body.id))) {
    throw new AppError(409, "conflict", `Workspace ${body.id} already exists`);
  }
  adminChange(c, "workspace_created", { workspace_id: body.id });
  return c.json({ workspace: { id: body.id, display_name: body.display_name ?? body.id } }, 201);
});

adminWorkspaceRoutes.get("/admin/workspaces/:id/members", admin, async (c) => {
  const id = await existingWorkspace(c);
  return c.json({ workspace: id, members: await requestAccounts(c).directory.workspaceMembers(id) });
});

adminWorkspaceRoutes.post("/admin/workspaces/:id/members", globalAdmin, async (c) => {
  const id = await existingWorkspace(c);
  const { user_id: userId } = await readJsonBody(c, newMember);
  if (!(await requestAccounts(c).directory.findUserById(userId)))
    throw new AppError(404, "not_found", "No such user");
  const added = await requestAccounts(c).directory.addMember(id, userId);
  if (added) adminChange(c, "membership_added", { workspace_id: id, target_user_id: userId });
  return c.json({ workspace: id, user_id: userId, added }, added ? 201 : 200);
});

adminWorkspaceRoutes.delete("/admin/workspaces/:id/members/:userId", globalAdmin, async (c) => {
  const id = await existingWorkspace(c);
  const userId = c.req.param("userId") ?? "";
  if (!(await requestAccounts(c).directory.removeMember(id, userId)))
    throw new AppError(404, "not_found", "No such membership");
  // A session opened in this workspace must not outlive the membership.
  await revokeUserSessions(requestAccounts(c).credentials, c.get("config"), userId);
  adminChange(c, "membership_removed", { workspace_id: id, target_user_id: userId });
  return c.json({ workspace: id, user_id: userId, removed: true });
});
