import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { backupKeys } from "../../src/pipeline/backup/manifest";
import { newRestoreState, restoreKey } from "../../src/pipeline/backup/restore";
import { isoWeek, listBackupIds, pruneBackups, retainedBackups } from "../../src/pipeline/backup/retention";

const bucket = env.BACKUPS as R2Bucket;

/** One scheduled backup id per day for `days` days ending 2026-11-25 (a Wednesday). */
function dailyIds(days: number): string[] {
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(Date.UTC(2026, 10, 25 - i, 1, 0, 0));
    return `${d.toISOString().slice(0, 10).replaceAll("-", "")}T010000Z-scheduled`;
  });
}

describe("retention policy", () => {
  it("computes ISO weeks across a year boundary", () => {
    expect(isoWeek(new Date("2026-11-25T00:00:00Z"))).toBe("2026-W48");
    expect(isoWeek(new Date("2027-01-01T00:00:00Z"))).toBe("2026-W53");
    expect(isoWeek(new Date("2026-11-23T00:00:00Z"))).toBe("2026-W48");
    expect(isoWeek(new Date("2026-11-22T23:59:59Z"))).toBe("2026-W47");
  });

  it("keeps the newest backup of the last 7 days and of the last 4 weeks", () => {
    const ids = dailyIds(40);
    const kept = [...retainedBackups(ids, { daily: 7, weekly: 4 })].sort().reverse();
    // 7 newest days (Nov 19-25), then the newest of weeks W47 (Nov 22, already kept), W46 (Nov 15), W45 (Nov 8).
    expect(kept).toEqual([...dailyIds(7), "20261115T010000Z-scheduled", "20261108T010000Z-scheduled"]);
  });

  it("keeps only the newest of several backups on one day", () => {
    const ids = ["20261125T010000Z-scheduled", "20261125T153000Z-manual-ab12", "20261124T010000Z-scheduled"];
    expect([...retainedBackups(ids, { daily: 1, weekly: 0 })]).toEqual(["20261125T153000Z-manual-ab12"]);
    expect(retainedBackups(ids, { daily: 0, weekly: 0 }).size).toBe(0);
  });

  it("prunes R2: old backups and stale incomplete ones go, the rest stay", async () => {
    for (const id of dailyIds(12)) {
      await bucket.put(backupKeys.manifest(id), "{}");
      await bucket.put(backupKeys.file(id, "acme", "documents", 0), "x");
    }
    await bucket.put(`backups/20261120T020000Z-manual-dead/acme/documents.0000.ndjson.gz`, "x");
    await bucket.put(`backups/20261125T005900Z-manual-live/acme/documents.0000.ndjson.gz`, "x");
    const deleted = await pruneBackups(
      bucket,
      { daily: 7, weekly: 4 },
      new Date(Date.UTC(2026, 10, 25, 1, 5)),
    );
    expect(deleted).toContain("20261120T020000Z-manual-dead");
    expect(deleted).not.toContain("20261125T005900Z-manual-live");
    const left = (await listBackupIds(bucket)).map((b) => b.id);
    expect(left).toEqual(
      [...dailyIds(7), "20261125T005900Z-manual-live", "20261115T010000Z-scheduled"].sort().reverse(),
    );
    const orphans = await bucket.list({ prefix: "backups/20261114T010000Z-scheduled/" });
    expect(orphans.objects).toHaveLength(0);
  });

  it("never prunes a backup that a running restore reads (found by the crash test)", async () => {
    const older = "20261201T010000Z-manual-aaaa";
    const newer = "20261201T020000Z-manual-bbbb";
    for (const id of [older, newer]) await bucket.put(backupKeys.manifest(id), "{}");
    const running = newRestoreState(older, "acme", "retention_restore", "admin");
    await bucket.put(restoreKey(running.target_workspace), JSON.stringify(running));
    try {
      const policy = { daily: 1, weekly: 0 };
      const now = new Date(Date.UTC(2026, 11, 1, 3));
      expect(await pruneBackups(bucket, policy, now)).not.toContain(older);
      await bucket.put(
        restoreKey(running.target_workspace),
        JSON.stringify({ ...running, status: "completed" }),
      );
      expect(await pruneBackups(bucket, policy, now)).toContain(older);
    } finally {
      await bucket.delete([
        restoreKey(running.target_workspace),
        backupKeys.manifest(older),
        backupKeys.manifest(newer),
      ]);
    }
  });
});
