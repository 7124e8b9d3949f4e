/**
 * `GET /admin/flags` shows the effective runtime flags, their env defaults, the overrides and
 * the read-only workspaces; `PUT /admin/flags` changes overrides and locks. Administrators
 * only; every change is audited. Changes reach every isolate within FLAGS_CACHE_SECONDS. An
 * administrator API key may read (health checks run with one) but sees only its own
 * workspace's lock and never changes anything: flags act on the whole service.
 */
import { Hono } from "hono";
import { audit } from "../../audit";
import { changeFlags, flagsState } from "../../flags";
import {
  defaultFlags,
  effectiveFlags,
  type FlagsState,
  flagsUpdateSchema,
  type WorkspaceLock,
} from "../../flags/names";
import { isAdministrator, requireAdministrator, requireWorkspaceAdministrator } from "../admin-access";
import type { AppEnv } from "../app-env";
import { readJsonBody } from "../json-body";

export const adminFlagsRoutes = new Hono<AppEnv>();

function view(state: FlagsState, config: AppEnv["Variables"]["config"]) {
  return {
    flags: effectiveFlags(config, state.overrides),
    defaults: defaultFlags(config),
    overrides: state.overrides,
    read_only_workspaces: state.workspaceLocks,
    updated_at: state.updatedAt,
    updated_by: state.updatedBy,
    cache_seconds: config.FLAGS_CACHE_SECONDS,
  };
}

adminFlagsRoutes.get("/admin/flags", async (c) => {
  const workspace = requireWorkspaceAdministrator(c, "flags");
  const state = await flagsState(c.env, c.get("config"));
  if (isAdministrator(c)) return c.json(view(state, c.get("config")));
  const own = state.workspaceLocks[workspace];
  const scoped: FlagsState = {
    ...state,
    workspaceLocks: own ? { [workspace]: own } : {},
    updatedBy: null,
  };
  return c.json(view(scoped, c.get("config")));
});

adminFlagsRoutes.put("/admin/flags", async (c) => {
  requireAdministrator(c, "flags");
  const { workspace_read_only: lockChanges, ...flagChanges } = await readJsonBody(c, flagsUpdateSchema);
  const by = c.get("principal")?.userId ?? "guest";
  const since = new Date().toISOString();
  const locks: Record<string, WorkspaceLock | null> = {};
  for (const [workspace, locked] of Object.entries(lockChanges ?? {})) {
    locks[workspace] = locked ? { reason: "set by an administrator", since, by } : null;
  }
  const state = await changeFlags(c.env, c.get("config"), { flags: flagChanges, locks, by });
  audit(c, {
    event_type: "administrative",
    event_action: "flags_updated",
    outcome: "success",
    additional_data: { flags: flagChanges, workspace_read_only: lockChanges ?? {} },
  });
  return c.json(view(state, c.get("config")));
});
