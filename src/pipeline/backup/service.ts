/**
 * Backup operations as the cron job, the queue consumer and the admin routes use them: each
 * run is audited and counted (`lightrag_backup_runs_total{job,status}`), and a failure also
 * counts in `lightrag_errors_total{kind="backup"}` so the error-rate alert fires. Each takes the
 * `Runtime` its entry point resolved (config, flags, services with the backup dependencies).
 */

import { auditSystem } from "../../audit";
import type { Config } from "../../config";
import type { Env } from "../../env";
import { changeFlags } from "../../flags";
import { countMetricWithEnv } from "../../observability/metrics";
import type { Runtime, WaitUntil } from "../../runtime/runtime";
import { createBackup } from "./export";
import type { BackupManifest } from "./manifest";
import { type RestoreState, runRestore, saveRestoreState } from "./restore";
import { listBackupIds, pruneBackups } from "./retention";
import { verifyBackup } from "./verify";

export type { WaitUntil };

function count(env: Env, waitUntil: WaitUntil, job: string, ok: boolean): void {
  countMetricWithEnv(env, waitUntil, "lightrag_backup_runs_total", {
    job,
    status: ok ? "success" : "failure",
  });
  if (!ok) countMetricWithEnv(env, waitUntil, "lightrag_errors_total", { kind: job });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface BackupRun {
  manifest: BackupManifest;
  verified: boolean;
  problems: string[];
  pruned: string[];
}

/**
 * Backup → verification → retention, audited and counted. Throws after recording a failure.
 *
 * @example
 * await runBackup(rt, "scheduled", new Date(controller.scheduledTime));
 */
export async function runBackup(
  rt: Runtime,
  trigger: BackupManifest["trigger"],
  at: Date,
  id?: string,
  by: string | null = null,
): Promise<BackupRun> {
  const started = Date.now();
  const { env, config, waitUntil } = rt;
  let manifest: BackupManifest;
  try {
    manifest = await createBackup(rt.services.backup, trigger, at, id);
  } catch (error) {
    count(env, waitUntil, "backup", false);
    auditSystem(rt, {
      event_type: "system",
      event_action: "backup_failed",
      outcome: "failure",
      user_id: by,
      additional_data: { backup_id: id ?? null, trigger, error: message(error) },
    });
    throw error;
  }
  count(env, waitUntil, "backup", true);
  const verdict = await verifyBackup(env.BACKUPS, manifest.id);
  count(env, waitUntil, "verify", verdict.ok);
  const pruned = await pruneBackups(
    env.BACKUPS,
    { daily: config.BACKUP_RETENTION_DAILY, weekly: config.BACKUP_RETENTION_WEEKLY },
    at,
  );
  // Bit rot check: each run also re-reads the oldest kept backup, so every backup is re-verified over time.
  const oldest = (await listBackupIds(env.BACKUPS)).filter((b) => b.complete && b.id !== manifest.id).at(-1);
  const recheck = oldest ? await runVerification(rt, oldest.id) : null;
  auditSystem(rt, {
    event_type: "system",
    event_action: verdict.ok ? "backup_completed" : "backup_verification_failed",
    outcome: verdict.ok ? "success" : "failure",
    user_id: by,
    additional_data: {
      backup_id: manifest.id,
      trigger,
      files: manifest.files.length,
      workspaces: Object.keys(manifest.counts).length,
      duration_ms: Date.now() - started,
      problems: verdict.problems.slice(0, 10),
      pruned,
      rechecked: recheck ? { backup_id: recheck.backup_id, ok: recheck.ok } : null,
    },
  });
  return { manifest, verified: verdict.ok, problems: verdict.problems, pruned };
}

/** Verifies an existing backup on demand, audited and counted. */
export async function runVerification(rt: Runtime, id: string) {
  const verdict = await verifyBackup(rt.env.BACKUPS, id);
  count(rt.env, rt.waitUntil, "verify", verdict.ok);
  auditSystem(rt, {
    event_type: "system",
    event_action: verdict.ok ? "backup_verified" : "backup_verification_failed",
    outcome: verdict.ok ? "success" : "failure",
    additional_data: { backup_id: id, problems: verdict.problems.slice(0, 10) },
  });
  return verdict;
}

/** Time one restore step may use before it hands over to the next queue message. */
const RESTORE_STEP_MS = 20_000;

/**
 * Runs one step of a restore. The target stays locked until the restore completes; after a
 * failure it is unlocked only if nothing was written yet (a half-restored workspace stays
 * read-only until an administrator re-runs the restore or unlocks it in /admin/flags).
 */
export async function stepRestore(rt: Runtime, state: RestoreState): Promise<RestoreState> {
  const { env, config } = rt;
  const fail = async (reason: string, unlock: boolean) => failRestore(rt, state, reason, unlock);
  if (state.phase === "clear") {
    // Let every isolate's flag cache see the lock before the target is cleared.
    const settle = Date.parse(state.started_at) + config.FLAGS_CACHE_SECONDS * 1000 - Date.now();
    if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
    const verdict = await runVerification(rt, state.backup_id);
    if (!verdict.ok)
      return fail(`backup failed verification: ${verdict.problems.slice(0, 3).join("; ")}`, true);
  }
  // A thrown error is retried by the queue; the step resumes from the saved progress.
  const next = await runRestore(rt.services.backup, state, Date.now() + RESTORE_STEP_MS);
  if (next.status === "completed")
    await unlockWorkspace(env, config, next.target_workspace, next.requested_by);
  if (next.status !== "running") finishRestore(rt, next);
  return next;
}

/** Marks a restore failed, audits it and unlocks the target when asked. */
export async function failRestore(
  rt: Runtime,
  state: RestoreState,
  reason: string,
  unlock: boolean,
): Promise<RestoreState> {
  const { env, config } = rt;
  const failed = await saveRestoreState(env.BACKUPS, {
    ...state,
    status: "failed",
    error: reason,
    finished_at: new Date().toISOString(),
  });
  if (unlock) await unlockWorkspace(env, config, state.target_workspace, state.requested_by);
  finishRestore(rt, failed);
  return failed;
}

function finishRestore(rt: Runtime, state: RestoreState): void {
  const ok = state.status === "completed";
  count(rt.env, rt.waitUntil, "restore", ok);
  auditSystem(rt, {
    event_type: "system",
    event_action: ok ? "restore_completed" : "restore_failed",
    outcome: ok ? "success" : "failure",
    user_id: state.requested_by,
    workspace: state.target_workspace,
    additional_data: {
      restore_id: state.restore_id,
      backup_id: state.backup_id,
      source_workspace: state.source_workspace,
      rows_restored: state.rows_restored,
      error: state.error,
    },
  });
}

export async function lockWorkspace(env: Env, config: Config, workspace: string, by: string, reason: string) {
  await changeFlags(env, config, {
    locks: { [workspace]: { reason, since: new Date().toISOString(), by } },
    by,
  });
}

async function unlockWorkspace(env: Env, config: Config, workspace: string, by: string) {
  await changeFlags(env, config, { locks: { [workspace]: null }, by });
}
