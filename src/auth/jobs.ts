/**
 * Auth housekeeping on the 15-minute cron: revocation rows no token can need any more, and
 * refresh tokens past their end (a family's rows all end together).
 */
import type { ScheduledJob } from "../pipeline/scheduled";
import { sweepRevocations } from "./revocations";

/** Refresh tokens are kept a day after they end, so a late replay is still recognised as reuse. */
const REFRESH_GRACE_MS = 24 * 60 * 60 * 1000;

/** Deletes expired revocations and refresh tokens; returns how many rows went. */
export async function sweepAuthTables(
  db: D1Database,
  now = Date.now(),
): Promise<{ revocations: number; refreshTokens: number }> {
  const revocations = await sweepRevocations(db, now);
  const result = await db
    .prepare("DELETE FROM refresh_tokens WHERE expires_at <= ?")
    .bind(now - REFRESH_GRACE_MS)
    .run();
  return { revocations, refreshTokens: result.meta.changes ?? 0 };
}

/** The housekeeping cron's auth sweep (listed in src/runtime/cron-jobs.ts). */
export const authSweepJob: ScheduledJob = async ({ env, log }) => {
  const swept = await sweepAuthTables(env.DB);
  if (swept.revocations + swept.refreshTokens > 0) log.info("auth sweep", { ...swept });
};
