/**
 * Backups for administrators: `GET /admin/backups` lists them with their verification status,
 * `POST /admin/backups` starts one now, `GET /admin/backups/{id}` shows a manifest,
 * `POST /admin/backups/{id}/verify` re-checks one, and `POST /admin/backups/{id}/restore`
 * restores a workspace of it into the same or a new workspace (`GET` shows its progress).
 */
import { Hono } from "hono";
import { z } from "zod";
import { audit } from "../../audit";
import { WORKSPACE_PATTERN } from "../../config/server";
import {
  BACKUP_CREATE_MESSAGE,
  BACKUP_RESTORE_MESSAGE,
  type BackupCreateMessage,
} from "../../pipeline/backup/jobs";
import {
  BACKUP_ID_PATTERN,
  type BackupManifest,
  backupKeys,
  newBackupId,
  readBackupFailure,
  readManifest,
  readVerification,
} from "../../pipeline/backup/manifest";
import { newRestoreState, readRestoreState, saveRestoreState } from "../../pipeline/backup/restore";
import { listBackupIds } from "../../pipeline/backup/retention";
import { lockWorkspace, runVerification } from "../../pipeline/backup/service";
import { requireAdministrator } from "../admin-access";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { readJsonBody } from "../json-body";
import { requestRuntime } from "../runtime";
import { requestWorkspace } from "../workspace";

export const adminBackupRoutes = new Hono<AppEnv>();

const workspaceName = z
  .string()
  .trim()
  .regex(WORKSPACE_PATTERN, "letters, digits and underscores, at most 64");
export const restoreBody = z
  .object({ workspace: workspaceName.optional(), target_workspace: workspaceName.optional() })
  .strict();

function backupId(value: string): string {
  if (!BACKUP_ID_PATTERN.test(value)) throw new AppError(404, "not_found", `No backup ${value}`);
  return value;
}

async function manifestOr404(bucket: R2Bucket, id: string): Promise<BackupManifest> {
  const manifest = await readManifest(bucket, id).catch(() => null);
  if (!manifest) throw new AppError(404, "not_found", `No complete backup ${id}`);
  return manifest;
}

function summary(manifest: BackupManifest) {
  return {
    trigger: manifest.trigger,
    created_at: manifest.created_at,
    completed_at: manifest.completed_at,
    schema_version: manifest.schema_version,
    workspaces: Object.keys(manifest.counts),
    files: manifest.files.length,
    bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
  };
}

adminBackupRoutes.get("/admin/backups", async (c) => {
  requireAdministrator(c, "backups");
  const ids = await listBackupIds(c.env.BACKUPS);
  const backups = await Promise.all(
    ids.map(async ({ id, complete }) => {
      if (!complete) {
        const failure = await readBackupFailure(c.env.BACKUPS, id);
        if (failure) return { id, status: "failed", error: failure.error, verification: null };
        return { id, status: "incomplete", verification: null };
      }
      const [manifest, verification] = await Promise.all([
        readManifest(c.env.BACKUPS, id).catch(() => null),
        readVerification(c.env.BACKUPS, id),
      ]);
      const status = !manifest
        ? "invalid"
        : !verification
          ? "unverified"
          : verification.ok
            ? "verified"
            : "corrupt";
      return { id, status, ...(manifest ? summary(manifest) : {}), verification };
    }),
  );
  return c.json({ backups });
});

adminBackupRoutes.post("/admin/backups", async (c) => {
  requireAdministrator(c, "backups");
  const now = new Date();
  const id = newBackupId(now, "manual");
  const message: BackupCreateMessage = {
    type: BACKUP_CREATE_MESSAGE,
    id,
    requested_by: c.get("principal")?.userId ?? null,
    requested_at: now.toISOString(),
  };
  // Listed (`incomplete`, later `failed`) even if its run never starts.
  await c.env.BACKUPS.put(backupKeys.requested(id), JSON.stringify(message), {
    httpMetadata: { contentType: "application/json" },
  });
  await c.env.INGEST_QUEUE.send(message);
  audit(c, {
    event_type: "administrative",
    event_action: "backup_requested",
    outcome: "success",
    additional_data: { backup_id: id },
  });
  return c.json({ id, status: "queued" }, 202);
});

adminBackupRoutes.get("/admin/backups/:id", async (c) => {
  requireAdministrator(c, "backups");
  const id = backupId(c.req.param("id"));
  const manifest = await manifestOr404(c.env.BACKUPS, id);
  return c.json({ manifest, verification: await readVerification(c.env.BACKUPS, id) });
});

adminBackupRoutes.post("/admin/backups/:id/verify", async (c) => {
  requireAdministrator(c, "backups");
  const id = backupId(c.req.param("id"));
  await manifestOr404(c.env.BACKUPS, id);
  return c.json(await runVerification(requestRuntime(c), id));
});

adminBackupRoutes.get("/admin/backups/:id/restore", async (c) => {
  requireAdministrator(c, "backups");
  const id = backupId(c.req.param("id"));
  const target = workspaceName.safeParse(c.req.query("target_workspace") ?? requestWorkspace(c));
  if (!target.success)
    throw new AppError(422, "validation_error", "target_workspace is not a workspace name");
  const state = await readRestoreState(c.env.BACKUPS, target.data);
  if (!state || state.backup_id !== id)
    throw new AppError(404, "not_found", `No restore of ${id} into ${target.data}`);
  return c.json(state);
});

adminBackupRoutes.post("/admin/backups/:id/restore", async (c) => {
  requireAdministrator(c, "backups");
  const id = backupId(c.req.param("id"));
  const body = await readJsonBody(c, restoreBody);
  const source = body.workspace ?? requestWorkspace(c);
  const target = body.target_workspace ?? source;
  const manifest = await manifestOr404(c.env.BACKUPS, id);
  if (!manifest.counts[source]) {
    throw new AppError(422, "validation_error", `Backup ${id} holds no workspace ${source}`, {
      details: { workspaces: Object.keys(manifest.counts) },
    });
  }
  const current = await readRestoreState(c.env.BACKUPS, target);
  if (current?.status === "running") {
    if (current.backup_id !== id || current.source_workspace !== source) {
      throw new AppError(
        409,
        "conflict",
        `Workspace ${target} is already being restored from ${current.backup_id}`,
      );
    }
    // The same restore again: resume it (a lost message or a stalled step) instead of starting over.
    await c.env.INGEST_QUEUE.send({ type: BACKUP_RESTORE_MESSAGE, target });
    return c.json(current, 202);
  }
  const by = c.get("principal")?.userId ?? "guest";
  const state = newRestoreState(id, source, target, by);
  await lockWorkspace(c.env, c.get("config"), target, by, `restore of backup ${id} in progress`);
  const saved = await saveRestoreState(c.env.BACKUPS, state);
  await c.env.INGEST_QUEUE.send({ type: BACKUP_RESTORE_MESSAGE, target });
  audit(c, {
    event_type: "administrative",
    event_action: "restore_started",
    outcome: "success",
    additional_data: { backup_id: id, source_workspace: source, target_workspace: target },
  });
  return c.json(saved, 202);
});
