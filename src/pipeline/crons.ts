/**
 * The crons of wrangler.toml `[triggers]`, by purpose. The cron job table
 * (src/runtime/cron-jobs.ts) is keyed by these, and test/node/crons.test.ts checks that
 * wrangler.toml declares exactly these in every environment.
 */
export const CRONS = {
  /** 01:00 UTC: backup → verification → retention. */
  backup: "0 1 * * *",
  /** Every 15 minutes: audit retention, auth sweep, stalled documents, backups and restores. */
  housekeeping: "*/15 * * * *",
} as const;

export type Cron = (typeof CRONS)[keyof typeof CRONS];
