/**
 * The cron job table, keyed by the crons of wrangler.toml `[triggers]` (`CRONS`): a cron
 * without an entry does not compile, and test/node/crons.test.ts keeps CRONS and wrangler.toml
 * equal. Jobs no longer register themselves as an import side effect.
 */
import { auditRetentionJob } from "../audit/jobs";
import { authSweepJob } from "../auth/jobs";
import { backupJob } from "../pipeline/backup/jobs";
import { stalledBackupsJob } from "../pipeline/backup/stalled";
import { CRONS, type Cron } from "../pipeline/crons";
import type { CronJobTable } from "../pipeline/scheduled";
import { stalledDocumentsJob } from "../pipeline/stalled-documents";

export const CRON_JOBS: CronJobTable<Cron> = {
  [CRONS.backup]: { backup: backupJob },
  [CRONS.housekeeping]: {
    "audit-retention": auditRetentionJob,
    "auth-sweep": authSweepJob,
    "stalled-documents": stalledDocumentsJob,
    "stalled-backups": stalledBackupsJob,
  },
};
