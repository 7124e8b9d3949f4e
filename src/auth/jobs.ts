/**
 * Auth housekeeping on the 15-minute cron: revocation rows no token can need any more, and
 * refresh tokens past their end (a family's rows all end together).
 */
import type { ScheduledJob } from "../pipeline/scheduled";
import { sweepRevocations } from "./revocations";
import { type CredentialSource, credentialStore } from "./store/credentials";

/** Refresh tokens are kept a day after they end, so a late replay is still recognised as reuse. */
const REFRESH_GRACE_MS = 24 * 60 * 60 * 1000;

/** Deletes expired revocations and refresh tokens; returns how many rows went. */
export async function sweepAuthTables(
  db: CredentialSource,
  now = Date.now(),
): Promise<{ revocations: number; refreshTokens: number }> {
  const revocations = await sweepRevocations(db, now);
  const refreshTokens = await credentialStore(db).sweepRefreshTokens(now - REFRESH_GRACE_MS);
  return { revocations, refreshTokens };
}

/** The housekeeping cron's auth sweep (listed in src/runtime/cron-jobs.ts). */
export const authSweepJob: ScheduledJob = async ({ services, log }) => {
  const swept = await sweepAuthTables(services.accounts.credentials);
  if (swept.revocations + swept.refreshTokens > 0) log.info("auth sweep", { ...swept });
};
