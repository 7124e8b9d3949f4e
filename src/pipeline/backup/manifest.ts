/**
 * The backup manifest and the R2 layout. `backups/<id>/manifest.json` is written last, so a
 * backup without one is incomplete; `backups/<id>/verification.json` holds the latest check.
 * A change to either format raises `BACKUP_SCHEMA_VERSION`.
 */
import { z } from "zod";

export const BACKUP_SCHEMA_VERSION = 1;
export const BACKUP_FORMAT = "lightrag-edge-backup";
export const BACKUP_PREFIX = "backups/";

/** Ids sort by time: `20261125T010000Z-scheduled`. */
export const BACKUP_ID_PATTERN = /^\d{8}T\d{6}Z-(scheduled|manual)(-[a-z0-9]{1,8})?$/;

const fileEntry = z.object({
  key: z.string(),
  workspace: z.string(),
  kind: z.enum(["table", "vectors"]),
  /** Table name, or the vector namespace. */
  name: z.string(),
  part: z.number().int().min(0),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  schema_version: z.number().int(),
  id: z.string().regex(BACKUP_ID_PATTERN),
  trigger: z.enum(["scheduled", "manual"]),
  created_at: z.string(),
  completed_at: z.string(),
  /**
   * Applied migrations at backup time of the backend the rows came from (D1's; Postgres'
   * `_migrations` when `storage_backend` is `neon`; the name predates Postgres): a restore
   * needs the same tables.
   */
  d1_migrations: z.array(z.string()),
  /** Workspace → table or `vectors:<namespace>` → rows. */
  counts: z.record(z.string(), z.record(z.string(), z.number().int().min(0))),
  files: z.array(fileEntry),
  /**
   * Where a restore gets the vectors: `from_backup` re-reads the `vectors` files (local and
   * Vectorize list theirs); `re_embed` means the backup holds rows only and the workspace must
   * be re-embedded. Absent in backups written before this field (they hold the local vectors).
   */
  vectors: z.object({ backend: z.string(), restore: z.enum(["from_backup", "re_embed"]) }).optional(),
  /** STORAGE_BACKEND the rows were read from (`d1` or `neon`); absent before backends could differ. */
  storage_backend: z.string().optional(),
  /**
   * Workspace → table or `vectors:<namespace>` → order-independent content digest of its rows
   * (src/pipeline/backup/digest.ts), the same on every backend: a restore compares the target's
   * digest with it. Absent in older backups (their restores check counts only).
   */
  digests: z.record(z.string(), z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/))).optional(),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupFile = z.infer<typeof fileEntry>;

export const verificationSchema = z.object({
  backup_id: z.string(),
  verified_at: z.string(),
  ok: z.boolean(),
  files_checked: z.number().int(),
  problems: z.array(z.string()),
});

export type Verification = z.infer<typeof verificationSchema>;

export const backupKeys = {
  root: (id: string) => `${BACKUP_PREFIX}${id}/`,
  manifest: (id: string) => `${BACKUP_PREFIX}${id}/manifest.json`,
  verification: (id: string) => `${BACKUP_PREFIX}${id}/verification.json`,
  /** Written when the backup is requested, so one whose run never starts is still listed. */
  requested: (id: string) => `${BACKUP_PREFIX}${id}/requested.json`,
  /** Written by the stall sweep when a backup never got its manifest. */
  failed: (id: string) => `${BACKUP_PREFIX}${id}/failed.json`,
  file: (id: string, workspace: string, name: string, part: number) =>
    `${BACKUP_PREFIX}${id}/${workspace}/${name}.${String(part).padStart(4, "0")}.ndjson.gz`,
};

/** A new backup id for `at`. */
export function newBackupId(at: Date, trigger: "scheduled" | "manual"): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const suffix = trigger === "manual" ? `-${crypto.randomUUID().slice(0, 4)}` : "";
  return `${stamp}-${trigger}${suffix}`;
}

/** The time encoded in a backup id. */
export function backupTime(id: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  if (!m) return new Date(Number.NaN);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

/** Reads and validates a manifest; `null` when the backup has none (incomplete or absent). */
export async function readManifest(bucket: R2Bucket, id: string): Promise<BackupManifest | null> {
  const object = await bucket.get(backupKeys.manifest(id));
  if (!object) return null;
  return manifestSchema.parse(await object.json());
}

export async function readVerification(bucket: R2Bucket, id: string): Promise<Verification | null> {
  const object = await bucket.get(backupKeys.verification(id));
  if (!object) return null;
  const parsed = verificationSchema.safeParse(await object.json());
  return parsed.success ? parsed.data : null;
}

export const backupFailureSchema = z.object({ failed_at: z.string(), error: z.string() });
export type BackupFailure = z.infer<typeof backupFailureSchema>;

/** Why an incomplete backup failed, or `null` when it is not marked failed. */
export async function readBackupFailure(bucket: R2Bucket, id: string): Promise<BackupFailure | null> {
  const object = await bucket.get(backupKeys.failed(id));
  if (!object) return null;
  const parsed = backupFailureSchema.safeParse(await object.json());
  return parsed.success ? parsed.data : null;
}
