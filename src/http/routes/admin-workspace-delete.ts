/**
 * `DELETE /admin/workspaces/{id}` with body `{"confirm": "<id>"}`: removes a workspace and all
 * of its data (documents, chunks, graph, vectors, cache, memberships, API keys). The workspace
 * is locked read-only while it is purged; the deletion is audited with the row counts.
 */

import { Hono } from "hono";
import { z } from "zod";
import { audit } from "../../audit";
import { WORKSPACE_PATTERN } from "../../config/server";
import { changeFlags } from "../../flags";
import { lockWorkspace } from "../../pipeline/backup/service";
import { requireAdministrator } from "../admin-access";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { readJsonBody } from "../json-body";

export const adminWorkspaceDeleteRoutes = new Hono<AppEnv>();

export const confirmation = z.object({ confirm: z.string() }).strict();

adminWorkspaceDeleteRoutes.delete("/admin/workspaces/:id", async (c) => {
  requireAdministrator(c, "workspaces");
  const ws = c.req.param("id");
  if (!WORKSPACE_PATTERN.test(ws)) throw new AppError(404, "not_found", "No such workspace");
  const { confirm } = await readJsonBody(c, confirmation);
  if (confirm !== ws) {
    throw new AppError(422, "validation_error", 'Deleting a workspace needs {"confirm": "<workspace id>"}', {
      details: [{ field: "confirm", message: `must equal ${ws}` }],
    });
  }
  const config = c.get("config");
  const by = c.get("principal")?.userId ?? "guest";
  await lockWorkspace(c.env, config, ws, by, "being deleted");
  let deleted: Record<string, number>;
  try {
    // The root's purge tells the graph index itself.
    deleted = await c.get("services").purgeWorkspace(ws);
  } finally {
    await changeFlags(c.env, config, { locks: { [ws]: null }, by });
  }
  const rows = Object.values(deleted).reduce((sum, n) => sum + n, 0);
  if (rows === 0) throw new AppError(404, "not_found", `Workspace ${ws} holds no data`);
  audit(c, {
    event_type: "administrative",
    event_action: "workspace_deleted",
    outcome: "success",
    additional_data: { workspace: ws, deleted },
  });
  return c.json({ status: "deleted", workspace: ws, deleted });
});
