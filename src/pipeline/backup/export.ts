/**
 * Writes one backup: every workspace's tables (and its vectors, when the vector store can list
 * them) to R2 as gzip NDJSON parts, then the manifest with row counts and SHA-256 per file.
 * Rows come through the backup row port (rows.ts: D1, Postgres, or both), page by page, so
 * memory stays bounded by one part whatever the table size; the manifest also gets each
 * table's content digest (digest.ts), the same for the same rows on every backend.
 */
import type { GraphChangeListener } from "../../storage/d1/graph-change";
import { createPacer } from "../../storage/pace";
import type { VectorStore } from "../../storage/vectors";
import { VECTOR_NAMESPACES, type VectorNamespace } from "../../storage/vectors";
import { gzipLines, sha256Hex, vectorToBase64 } from "./codec";
import { D1BackupRows } from "./d1-rows";
import { canonicalRow, RowDigest } from "./digest";
import {
  BACKUP_FORMAT,
  BACKUP_SCHEMA_VERSION,
  type BackupFile,
  type BackupManifest,
  backupKeys,
  newBackupId,
} from "./manifest";
import type { BackupRowStore, Row, TableRef } from "./rows";
import { GLOBAL_SCOPE, GLOBAL_TABLES, WORKSPACE_TABLES } from "./tables";

export interface BackupDeps {
  db: D1Database;
  /** Where the rows are read and written; D1's (`db`) when absent. Postgres engine tables on neon. */
  rows?: BackupRowStore;
  /** STORAGE_BACKEND, recorded in the manifest. */
  storageBackend?: string;
  bucket: R2Bucket;
  /** Null when the vector backend cannot list its vectors; a restore then re-embeds. */
  vectors: VectorStore | null;
  /** VECTOR_BACKEND, recorded in the manifest. */
  vectorBackend?: string;
  /** Told after a restore step or a purge changed a workspace's tables (the graph index rebuilds). */
  onGraphChange: GraphChangeListener;
}

/** Rows per page and uncompressed characters per file part. */
const PAGE_ROWS = 500;
const PART_CHARS = 8 * 1024 * 1024;
const VECTOR_PAGE = 500;

/** Collects lines into parts and uploads each part as it fills. */
class PartWriter {
  private lines: string[] = [];
  private chars = 0;
  private part = 0;
  readonly files: BackupFile[] = [];

  constructor(
    private readonly bucket: R2Bucket,
    private readonly id: string,
    private readonly workspace: string,
    private readonly kind: BackupFile["kind"],
    private readonly name: string,
  ) {}

  async add(line: string): Promise<void> {
    this.lines.push(line);
    this.chars += line.length + 1;
    if (this.chars >= PART_CHARS) await this.flush();
  }

  /** Uploads what is buffered; an empty table still gets one (empty) part so its count is checked. */
  async flush(final = false): Promise<void> {
    if (this.lines.length === 0 && !(final && this.files.length === 0)) return;
    const bytes = await gzipLines(this.lines);
    const fileName = this.kind === "vectors" ? `vectors.${this.name}` : this.name;
    const key = backupKeys.file(this.id, this.workspace, fileName, this.part);
    const sha256 = await sha256Hex(bytes);
    await this.bucket.put(key, bytes, {
      httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
      customMetadata: { sha256 },
    });
    this.files.push({
      key,
      workspace: this.workspace,
      kind: this.kind,
      name: this.name,
      part: this.part,
      rows: this.lines.length,
      bytes: bytes.byteLength,
      sha256,
    });
    this.part += 1;
    this.lines = [];
    this.chars = 0;
  }
}

/** The row store of `deps`: the one the composition root wired, else D1's. */
export function backupRows(deps: { db: D1Database; rows?: BackupRowStore }): BackupRowStore {
  return deps.rows ?? new D1BackupRows(deps.db);
}

function encodeRow(row: Row, omit: readonly string[] | undefined): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (omit?.includes(column)) continue;
    if (value !== null && typeof value === "object") throw new Error(`column ${column} holds binary data`);
    out[column] = value;
  }
  return out;
}

/** Table parts plus the table's content digest (workspace column left out). */
async function exportTable(
  deps: BackupDeps,
  id: string,
  scope: string,
  table: TableRef,
  workspace: string | null,
  omit: readonly string[] | undefined,
): Promise<{ files: BackupFile[]; digest: string }> {
  const writer = new PartWriter(deps.bucket, id, scope, "table", table.name);
  const digest = new RowDigest();
  const pace = createPacer();
  for await (const page of backupRows(deps).pages(table, workspace, PAGE_ROWS)) {
    await pace();
    for (const row of page) {
      const encoded = encodeRow(row, omit);
      await digest.add(canonicalRow(encoded, table.workspaceColumn));
      await writer.add(JSON.stringify(encoded));
    }
  }
  await writer.flush(true);
  return { files: writer.files, digest: digest.hex() };
}

async function exportVectors(
  deps: BackupDeps,
  vectors: VectorStore,
  id: string,
  workspace: string,
): Promise<{ files: BackupFile[]; digests: Record<string, string> }> {
  const files: BackupFile[] = [];
  const digests: Record<string, string> = {};
  for (const namespace of VECTOR_NAMESPACES) {
    const writer = new PartWriter(deps.bucket, id, workspace, "vectors", namespace);
    const digest = new RowDigest();
    for await (const line of vectorLines(vectors, workspace, namespace)) {
      await digest.add(canonicalRow(line));
      await writer.add(JSON.stringify(line));
    }
    await writer.flush(true);
    files.push(...writer.files);
    digests[`vectors:${namespace}`] = digest.hex();
  }
  return { files, digests };
}

/**
 * The backup lines of a workspace's vectors (`{id, v: base64 float32, p?: payload}`), by id.
 *
 * @example
 * for await (const line of vectorLines(vectors, "acme", "chunks")) console.log(line.id);
 */
export async function* vectorLines(
  vectors: VectorStore,
  workspace: string,
  namespace: VectorNamespace,
): AsyncGenerator<Row> {
  const ids = (await vectors.ids(workspace, namespace)).sort();
  const pace = createPacer();
  for (let i = 0; i < ids.length; i += VECTOR_PAGE) {
    await pace();
    const items = await vectors.get(workspace, namespace, ids.slice(i, i + VECTOR_PAGE));
    for (const item of items)
      yield {
        id: item.id,
        v: vectorToBase64(item.vector),
        ...(item.payload !== undefined && { p: item.payload }),
      };
  }
}

/** Sums rows per workspace and table (`vectors:<namespace>` for vectors). */
export function countsOf(files: readonly BackupFile[]): BackupManifest["counts"] {
  const counts: BackupManifest["counts"] = {};
  for (const file of files) {
    const name = file.kind === "vectors" ? `vectors:${file.name}` : file.name;
    const workspace = counts[file.workspace] ?? {};
    workspace[name] = (workspace[name] ?? 0) + file.rows;
    counts[file.workspace] = workspace;
  }
  return counts;
}

/**
 * Runs a full backup (or one of the workspaces in `only`) and returns its manifest.
 *
 * @example
 * const manifest = await createBackup({ db: env.DB, bucket: env.BACKUPS, vectors }, "scheduled", new Date());
 */
export async function createBackup(
  deps: BackupDeps,
  trigger: BackupManifest["trigger"],
  at: Date,
  id = newBackupId(at, trigger),
  only?: readonly string[],
): Promise<BackupManifest> {
  const rows = backupRows(deps);
  const tables = await rows.tables();
  const files: BackupFile[] = [];
  const digests: NonNullable<BackupManifest["digests"]> = {};
  const present = WORKSPACE_TABLES.filter((table) => tables.has(table.name));
  // `only` narrows a backup to some workspaces (tests and benches on a shared database).
  const workspaces = (await rows.workspaces(present)).filter((ws) => !only || only.includes(ws));
  for (const workspace of workspaces) {
    const digest: Record<string, string> = {};
    for (const table of present) {
      const part = await exportTable(deps, id, workspace, table, workspace, table.omit);
      files.push(...part.files);
      digest[table.name] = part.digest;
    }
    if (deps.vectors) {
      const part = await exportVectors(deps, deps.vectors, id, workspace);
      files.push(...part.files);
      Object.assign(digest, part.digests);
    }
    digests[workspace] = digest;
  }
  for (const table of GLOBAL_TABLES) {
    if (tables.has(table.name))
      files.push(...(await exportTable(deps, id, GLOBAL_SCOPE, table, null, table.omit)).files);
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    schema_version: BACKUP_SCHEMA_VERSION,
    id,
    trigger,
    created_at: at.toISOString(),
    completed_at: new Date().toISOString(),
    d1_migrations: await rows.migrations(),
    counts: countsOf(files),
    files,
    vectors: { backend: deps.vectorBackend ?? "local", restore: deps.vectors ? "from_backup" : "re_embed" },
    storage_backend: deps.storageBackend ?? "d1",
    digests,
  };
  await deps.bucket.put(backupKeys.manifest(id), JSON.stringify(manifest, null, 1), {
    httpMetadata: { contentType: "application/json" },
  });
  return manifest;
}
