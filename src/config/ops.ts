/** Operations settings: how long runtime flags are cached, backup schedule, retention and stall timeout. */
import { bool, nonNegativeInt, positiveInt } from "./fields";

export const opsFields = {
  /** Seconds an isolate reuses the runtime flags it read; a change is effective everywhere after this. */
  FLAGS_CACHE_SECONDS: nonNegativeInt(5),
  /** The daily backup cron job (01:00 UTC in wrangler.toml) runs only when true. */
  BACKUP_ENABLED: bool(true),
  /** Newest backup of each of this many most recent days is kept. */
  BACKUP_RETENTION_DAILY: nonNegativeInt(7),
  /** Newest backup of each of this many most recent ISO weeks is kept. */
  BACKUP_RETENTION_WEEKLY: nonNegativeInt(4),
  /**
   * Seconds without progress after which the housekeeping cron resumes a restore (its queue
   * message was lost) or marks a backup without a manifest failed (its run died).
   */
  BACKUP_STALL_TIMEOUT: positiveInt(3600),
  /** Resumes of one stalled restore before it is marked failed instead. */
  MAX_RESTORE_RESUMES: positiveInt(3),
};
