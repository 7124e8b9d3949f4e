/**
 * What a crash leaves behind is cleaned up (issue 18, item 5; the end-to-end run with a real
 * SIGKILL is test/node/crash-faults.test.ts): a coordinator status left `busy` by a job whose
 * consumer died is abandoned after DOCUMENT_STALL_TIMEOUT, a restore untouched for
 * BACKUP_STALL_TIMEOUT is resumed (then failed after MAX_RESTORE_RESUMES), and a backup
 * without a manifest after BACKUP_STALL_TIMEOUT is listed `failed`.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { backupKeys, newBackupId } from "../../src/pipeline/backup/manifest";
import { newRestoreState, readRestoreState, restoreKey } from "../../src/pipeline/backup/restore";
import { recoverStalledBackups } from "../../src/pipeline/backup/stalled";
import { IDLE_STATUS, type PipelineStatus, startJob } from "../../src/pipeline/pipeline-status";
import { testRuntime } from "../runtime-helpers";

const testEnv = env as unknown as Env;
const HOUR = 3600_000;

afterEach(() => vi.restoreAllMocks());

describe("crash leftovers", { timeout: 30_000 }, () => {
  it("abandons a busy pipeline status whose jobs stopped calling in, and keeps a live one", async () => {
    const stale = testEnv.COORDINATOR.get(testEnv.COORDINATOR.idFromName("crash_stale"));
    const live = testEnv.COORDINATOR.get(testEnv.COORDINATOR.idFromName("crash_live"));
    const busy = startJob(IDLE_STATUS, "Processing 4 document(s)", 4);
    await runInDurableObject(stale, async (_instance, state) => {
      await state.storage.put({ pipeline_status: busy, pipeline_touched: Date.now() - 2 * HOUR });
    });
    await runInDurableObject(live, async (_instance, state) => {
      await state.storage.put({ pipeline_status: busy, pipeline_touched: Date.now() });
    });
    const abandoned = (await stale.pipelineStatus()) as PipelineStatus;
    expect(abandoned).toMatchObject({ busy: false, active_jobs: 0 });
    expect(abandoned.latest_message).toMatch(/Abandoned 1 job\(s\): no progress for 1800 s/);
    expect(await stale.clear("crash_stale", await flags())).toBe("success");
    expect(await live.pipelineStatus()).toMatchObject({ busy: true, active_jobs: 1 });
  });

  it("resumes a stalled restore, and fails it once it has used its resumes", async () => {
    const send = vi.spyOn(testEnv.INGEST_QUEUE, "send").mockResolvedValue(undefined as never);
    const old = new Date(Date.now() - 2 * HOUR).toISOString();
    const stuck = { ...newRestoreState("20261101T010000Z-scheduled", "a", "crash_restore_a", "admin") };
    const tired = {
      ...newRestoreState("20261101T010000Z-scheduled", "a", "crash_restore_b", "admin"),
      resumes: 3,
    };
    const fresh = newRestoreState("20261101T010000Z-scheduled", "a", "crash_restore_c", "admin");
    for (const state of [stuck, tired]) {
      await testEnv.BACKUPS.put(
        restoreKey(state.target_workspace),
        JSON.stringify({ ...state, updated_at: old }),
      );
    }
    await testEnv.BACKUPS.put(restoreKey(fresh.target_workspace), JSON.stringify(fresh));
    try {
      const report = await recoverStalledBackups(await testRuntime());
      expect(report).toMatchObject({ resumedRestores: 1, failedRestores: 1 });
      expect(send).toHaveBeenCalledWith({ type: "backup.restore", target: "crash_restore_a" });
      expect(await readRestoreState(testEnv.BACKUPS, "crash_restore_a")).toMatchObject({
        status: "running",
        resumes: 1,
      });
      const failed = await readRestoreState(testEnv.BACKUPS, "crash_restore_b");
      expect(failed).toMatchObject({ status: "failed" });
      expect(failed?.error).toMatch(/stalled: no progress/);
      expect(await readRestoreState(testEnv.BACKUPS, "crash_restore_c")).toMatchObject({
        status: "running",
        resumes: 0,
      });
    } finally {
      for (const target of ["crash_restore_a", "crash_restore_b", "crash_restore_c"])
        await testEnv.BACKUPS.delete(restoreKey(target));
    }
  });

  it("marks a backup that never got its manifest failed, and lists it so", async () => {
    const id = newBackupId(new Date(Date.now() - 2 * HOUR), "manual");
    const recent = newBackupId(new Date(), "manual");
    await testEnv.BACKUPS.put(backupKeys.requested(id), "{}");
    await testEnv.BACKUPS.put(backupKeys.requested(recent), "{}");
    try {
      const report = await recoverStalledBackups(await testRuntime());
      expect(report.failedBackups).toBeGreaterThanOrEqual(1);
      expect(await testEnv.BACKUPS.head(backupKeys.failed(id))).not.toBeNull();
      expect(await testEnv.BACKUPS.head(backupKeys.failed(recent))).toBeNull();
      const { SELF } = await import("cloudflare:test");
      const listed = (await (await SELF.fetch("http://x/admin/backups")).json()) as {
        backups: { id: string; status: string; error?: string }[];
      };
      expect(listed.backups.find((b) => b.id === id)).toMatchObject({ status: "failed" });
      expect(listed.backups.find((b) => b.id === id)?.error).toMatch(/no manifest after 3600 s/);
      expect(listed.backups.find((b) => b.id === recent)).toMatchObject({ status: "incomplete" });
    } finally {
      for (const key of [backupKeys.requested(id), backupKeys.failed(id), backupKeys.requested(recent)])
        await testEnv.BACKUPS.delete(key);
    }
  });
});

async function flags() {
  return (await testRuntime()).flags;
}
