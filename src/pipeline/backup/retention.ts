/**
 * Backup retention: keep the newest backup of each of the N most recent days and of each of
 * the M most recent ISO weeks (defaults 7 and 4); delete the rest, and incomplete backups
 * (no manifest) once they are a day old. The choice is a pure function; pruning applies it,
 * and never deletes a backup a running restore is reading.
 */
import { BACKUP_PREFIX, backupKeys, backupTime } from "./manifest";
import { listRestoreStates } from "./restore";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionPolicy {
  daily: number;
  weekly: number;
}

/** `YYYY-Www` of the ISO week containing `date` (weeks start on Monday). */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

function newestPerPeriod(ids: readonly string[], period: (id: string) => string, keep: number): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const id of [...ids].sort().reverse()) {
    const key = period(id);
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > keep) break;
    kept.push(id);
  }
  return kept;
}

/**
 * Ids of complete backups to keep.
 *
 * @example
 * retainedBackups(ids, { daily: 7, weekly: 4 }); // the 7 newest days' and 4 newest weeks' newest backups
 */
export function retainedBackups(completeIds: readonly string[], policy: RetentionPolicy): Set<string> {
  const day = (id: string) => id.slice(0, 8);
  const week = (id: string) => isoWeek(backupTime(id));
  return new Set([
    ...newestPerPeriod(completeIds, day, policy.daily),
    ...newestPerPeriod(completeIds, week, policy.weekly),
  ]);
}

/** Every backup id under `backups/`, with whether it has a manifest. */
export async function listBackupIds(bucket: R2Bucket): Promise<{ id: string; complete: boolean }[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: BACKUP_PREFIX, delimiter: "/", cursor });
    for (const prefix of page.delimitedPrefixes) ids.push(prefix.slice(BACKUP_PREFIX.length, -1));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  const heads = await Promise.all(ids.map((id) => bucket.head(backupKeys.manifest(id))));
  return ids.map((id, i) => ({ id, complete: heads[i] !== null })).sort((a, b) => (a.id < b.id ? 1 : -1));
}

async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    const keys = page.objects.map((object) => object.key);
    if (keys.length > 0) await bucket.delete(keys);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

/** Deletes the backups the policy does not keep, except those a running restore reads; returns their ids. */
export async function pruneBackups(bucket: R2Bucket, policy: RetentionPolicy, now: Date): Promise<string[]> {
  const inUse = new Set(
    (await listRestoreStates(bucket)).filter((s) => s.status === "running").map((s) => s.backup_id),
  );
  const all = (await listBackupIds(bucket)).filter((backup) => !inUse.has(backup.id));
  const keep = retainedBackups(
    all.filter((backup) => backup.complete).map((backup) => backup.id),
    policy,
  );
  const doomed = all.filter((backup) =>
    backup.complete ? !keep.has(backup.id) : now.getTime() - backupTime(backup.id).getTime() > DAY_MS,
  );
  for (const backup of doomed) await deletePrefix(bucket, backupKeys.root(backup.id));
  return doomed.map((backup) => backup.id);
}
