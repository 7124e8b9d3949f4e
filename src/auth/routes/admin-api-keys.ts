/** `/admin/api-keys`: list, create (the key is shown once), revoke. Administrators only. */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { readJsonBody } from "../../http/json-body";
import { createApiKey, listApiKeys, publicApiKey, revokeApiKey } from "../api-keys";
import { adminChange } from "../events";
import { requireRole } from "../middleware/require-auth";
import { roleSchema } from "../roles";
import { workspaceSchema } from "../schemas";

export const adminApiKeyRoutes = new Hono<AppEnv>();
/** Defence in depth: `requireAuth` already demands admin for /admin/*; route-level `use` would break 405s. */
const admin = requireRole("admin");

const DAY_MS = 24 * 60 * 60 * 1000;

const newKey = z.object({
  name: z.string().trim().min(1).max(100),
  role: roleSchema.default("viewer"),
  workspace: workspaceSchema,
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});

adminApiKeyRoutes.get("/admin/api-keys", admin, async (c) =>
  c.json({ api_keys: (await listApiKeys(c.env.DB)).map(publicApiKey) }),
);

adminApiKeyRoutes.post("/admin/api-keys", admin, async (c) => {
  const body = await readJsonBody(c, newKey);
  const principal = c.get("principal");
  const { key, row } = await createApiKey(c.env.DB, {
    name: body.name,
    role: body.role,
    workspace: body.workspace,
    createdBy: principal?.userId ?? null,
    expiresAt: body.expires_in_days ? Date.now() + body.expires_in_days * DAY_MS : null,
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
  const row = await revokeApiKey(c.env.DB, c.req.param("id") ?? "");
  if (!row) throw new AppError(404, "not_found", "No such API key");
  adminChange(c, "api_key_revoked", { api_key_id: row.id });
  return c.json(publicApiKey(row));
});
