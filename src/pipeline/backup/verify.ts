/**
 * Re-reads a backup and checks it: every file listed in the manifest exists, has the recorded
 * SHA-256, decompresses, holds the recorded number of JSON lines, the per-table counts add
 * up, and each table's content digest recomputed from its lines is the manifest's. The result is stored beside the manifest so `GET /admin/backups` can show it.
 */
import { gunzipLines, sha256Hex } from "./codec";
import { canonicalRow, RowDigest } from "./digest";
import { countsOf } from "./export";
import {
  BACKUP_SCHEMA_VERSION,
  type BackupManifest,
  backupKeys,
  readManifest,
  type Verification,
} from "./manifest";
import { WORKSPACE_TABLES } from "./tables";

async function checkFile(
  bucket: R2Bucket,
  file: BackupManifest["files"][number],
  digest: RowDigest | null,
): Promise<string | null> {
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
  const skip = WORKSPACE_TABLES.find((t) => file.kind === "table" && t.name === file.name)?.workspaceColumn;
  for (const line of lines) {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return `${file.key}: a line is not JSON`;
    }
    await digest?.add(canonicalRow(row, skip));
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
    // Content digests, recomputed from the files (backups written before them have none).
    const digests = new Map<string, RowDigest>();
    for (const file of manifest.files) {
      const name = file.kind === "vectors" ? `vectors:${file.name}` : file.name;
      const recorded = manifest.digests?.[file.workspace]?.[name];
      const key = JSON.stringify([file.workspace, name]);
      if (recorded !== undefined && !digests.has(key)) digests.set(key, new RowDigest());
      const problem = await checkFile(bucket, file, digests.get(key) ?? null);
      checked += 1;
      if (problem) problems.push(problem);
    }
    for (const [key, digest] of digests) {
      const [workspace = "", name = ""] = JSON.parse(key) as string[];
      if (digest.hex() !== manifest.digests?.[workspace]?.[name])
        problems.push(`${workspace}/${name}: content digest does not match the manifest`);
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
