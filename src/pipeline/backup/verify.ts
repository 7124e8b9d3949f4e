/**
 * Re-reads a backup and checks it: every file listed in the manifest exists, has the recorded
 * SHA-256, decompresses, holds the recorded number of JSON lines, and the per-table counts add
 * up. The result is stored beside the manifest so `GET /admin/backups` can show it.
 */
import { gunzipLines, sha256Hex } from "./codec";
import { countsOf } from "./export";
import {
  BACKUP_SCHEMA_VERSION,
  type BackupManifest,
  backupKeys,
  readManifest,
  type Verification,
} from "./manifest";

async function checkFile(bucket: R2Bucket, file: BackupManifest["files"][number]): Promise<string | null> {
  const object = await bucket.get(file.key);
  if (!object) return `${file.key}: missing`;
  const bytes = new Uint8Array(await object.arrayBuffer());
  if (bytes.byteLength !== file.bytes)
    return `${file.key}: ${bytes.byteLength} bytes, manifest says ${file.bytes}`;
  if ((await sha256Hex(bytes)) !== file.sha256) return `${file.key}: SHA-256 mismatch`;
  let lines: string[];
  try {
    lines = await gunzipLines(bytes);
  } catch {
    return `${file.key}: not a valid gzip stream`;
  }
  if (lines.length !== file.rows) return `${file.key}: ${lines.length} rows, manifest says ${file.rows}`;
  for (const line of lines) {
    try {
      JSON.parse(line);
    } catch {
      return `${file.key}: a line is not JSON`;
    }
  }
  return null;
}

/** Checks a manifest's own consistency: counts equal the sum of its files. */
function checkCounts(manifest: BackupManifest): string[] {
  const expected = JSON.stringify(countsOf(manifest.files));
  return JSON.stringify(manifest.counts) === expected ? [] : ["manifest counts do not match its files"];
}

/**
 * Verifies backup `id`, stores and returns the verdict.
 *
 * @example
 * const { ok, problems } = await verifyBackup(env.BACKUPS, "20261125T010000Z-scheduled");
 */
export async function verifyBackup(bucket: R2Bucket, id: string): Promise<Verification> {
  const problems: string[] = [];
  let checked = 0;
  let manifest: BackupManifest | null = null;
  try {
    manifest = await readManifest(bucket, id);
    if (!manifest) problems.push("manifest.json missing: the backup is incomplete");
  } catch {
    problems.push("manifest.json is not a valid manifest");
  }
  if (manifest) {
    if (manifest.schema_version > BACKUP_SCHEMA_VERSION) {
      problems.push(`schema_version ${manifest.schema_version} is newer than this service understands`);
    }
    problems.push(...checkCounts(manifest));
    for (const file of manifest.files) {
      const problem = await checkFile(bucket, file);
      checked += 1;
      if (problem) problems.push(problem);
    }
  }
  const verdict: Verification = {
    backup_id: id,
    verified_at: new Date().toISOString(),
    ok: problems.length === 0,
    files_checked: checked,
    problems,
  };
  await bucket.put(backupKeys.verification(id), JSON.stringify(verdict), {
    httpMetadata: { contentType: "application/json" },
  });
  return verdict;
}
