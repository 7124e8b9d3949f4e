/** Operations settings: how long runtime flags are cached, backup schedule and retention. */
import { bool, nonNegativeInt } from "./fields";

export const opsFields = {
  /** Seconds an isolate reuses the runtime flags it read; a change is effective everywhere after this. */
  FLAGS_CACHE_SECONDS: nonNegativeInt(5),
  /** The daily backup cron job (01:00 UTC in wrangler.toml) runs only when true. */
  BACKUP_ENABLED: bool(true),
  /** Newest backup of each of this many most recent days is kept. */
  BACKUP_RETENTION_DAILY: nonNegativeInt(7),
  /** Newest backup of each of this many most recent ISO weeks is kept. */
  BACKUP_RETENTION_WEEKLY: nonNegativeInt(4),
};
