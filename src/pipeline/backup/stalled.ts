/**
 * Housekeeping cron job: a backup or a restore interrupted by a crash (the runtime killed
 * mid-run, a queue message lost) never stays "running" for ever. A restore untouched for
 * BACKUP_STALL_TIMEOUT is resumed (its steps are idempotent) up to MAX_RESTORE_RESUMES times,
 * then marked failed; a backup still without a manifest after BACKUP_STALL_TIMEOUT is marked
 * failed (`backups/<id>/failed.json`; GET /admin/backups shows it `failed`).
 */
import type { Runtime } from "../../runtime/runtime";
import { BACKUP_RESTORE_MESSAGE } from "../ingest-messages";
import type { ScheduledJob } from "../scheduled";
import { backupKeys, backupTime } from "./manifest";
import { listRestoreStates, saveRestoreState } from "./restore";
import { listBackupIds } from "./retention";
import { failRestore } from "./service";

export interface StalledBackupsReport {
  resumedRestores: number;
  failedRestores: number;
  failedBackups: number;
}

/**
 * Resumes or fails stalled restores and fails stalled backups; returns what it did.
 *
 * @example
 * await recoverStalledBackups(rt); // { resumedRestores: 1, failedRestores: 0, failedBackups: 0 }
 */
export async function recoverStalledBackups(rt: Runtime, now = Date.now()): Promise<StalledBackupsReport> {
  const { env, config, log } = rt;
  const before = now - config.BACKUP_STALL_TIMEOUT * 1000;
  const report: StalledBackupsReport = { resumedRestores: 0, failedRestores: 0, failedBackups: 0 };
  for (const state of await listRestoreStates(env.BACKUPS)) {
    if (state.status !== "running" || Date.parse(state.updated_at) > before) continue;
    const target = state.target_workspace;
    if (state.resumes >= config.MAX_RESTORE_RESUMES) {
      const reason = `stalled: no progress for ${config.BACKUP_STALL_TIMEOUT} s after ${state.resumes} resumes`;
      await failRestore(rt, state, reason, false);
      report.failedRestores++;
      continue;
    }
    await saveRestoreState(env.BACKUPS, { ...state, resumes: state.resumes + 1 });
    await env.INGEST_QUEUE.send({ type: BACKUP_RESTORE_MESSAGE, target });
    report.resumedRestores++;
  }
  for (const { id, complete } of await listBackupIds(env.BACKUPS)) {
    if (complete || backupTime(id).getTime() > before) continue;
    if (await env.BACKUPS.head(backupKeys.failed(id))) continue;
    const failure = {
      failed_at: new Date(now).toISOString(),
      error: `no manifest after ${config.BACKUP_STALL_TIMEOUT} s: the backup run died or never started`,
    };
    await env.BACKUPS.put(backupKeys.failed(id), JSON.stringify(failure), {
      httpMetadata: { contentType: "application/json" },
    });
    report.failedBackups++;
  }
  if (report.resumedRestores + report.failedRestores + report.failedBackups > 0)
    log.warn("stalled backups and restores recovered", { ...report });
  return report;
}

/** The housekeeping cron's job (listed in src/runtime/cron-jobs.ts). */
export const stalledBackupsJob: ScheduledJob = async (rt) => {
  await recoverStalledBackups(rt);
};
