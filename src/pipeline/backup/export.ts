/**
 * Writes one backup: every workspace's tables (and its vectors, when the vector store can list
 * them) to R2 as gzip NDJSON parts, then the manifest with row counts and SHA-256 per file.
 * Reads page by rowid so memory stays bounded by one part, whatever the table size.
 */
import type { GraphChangeListener } from "../../storage/d1/graph-change";
import type { VectorStore } from "../../storage/vectors";
import { VECTOR_NAMESPACES } from "../../storage/vectors";
import { gzipLines, sha256Hex, vectorToBase64 } from "./codec";
import {
  BACKUP_FORMAT,
  BACKUP_SCHEMA_VERSION,
  type BackupFile,
  type BackupManifest,
  backupKeys,
  newBackupId,
} from "./manifest";
import { appliedMigrations, existingTables } from "./schema-info";
import { GLOBAL_SCOPE, GLOBAL_TABLES, WORKSPACE_TABLES } from "./tables";

export interface BackupDeps {
  db: D1Database;
  bucket: R2Bucket;
  /** Null when the vector backend cannot list its vectors; a restore then re-embeds. */
  vectors: VectorStore | null;
  /** VECTOR_BACKEND, recorded in the manifest. */
  vectorBackend?: string;
  /** Told after a restore step or a purge changed a workspace's tables (the graph index rebuilds). */
  onGraphChange: GraphChangeListener;
}

/** Rows per D1 page and uncompressed characters per file part. */
const PAGE_ROWS = 500;
const PART_CHARS = 8 * 1024 * 1024;
const VECTOR_PAGE = 500;

type Row = Record<string, unknown>;

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

/** Every workspace that has a row in any backed-up table (one query per table: D1 caps compound SELECTs). */
export async function listWorkspaces(db: D1Database, tables: Set<string>): Promise<string[]> {
  const statements = WORKSPACE_TABLES.filter((table) => tables.has(table.name)).map((table) =>
    db.prepare(`SELECT DISTINCT ${table.workspaceColumn} AS ws FROM ${table.name}`),
  );
  if (statements.length === 0) return [];
  const results = await db.batch<{ ws: string }>(statements);
  return [...new Set(results.flatMap((result) => result.results.map((row) => row.ws)))].sort();
}

async function* pages(db: D1Database, sql: string, bind: unknown[]): AsyncGenerator<Row[]> {
  let after = -1;
  for (;;) {
    const { results } = await db
      .prepare(sql)
      .bind(...bind, after)
      .all<Row>();
    if (results.length === 0) return;
    yield results;
    after = Number(results[results.length - 1]?.__rowid);
    if (results.length < PAGE_ROWS) return;
  }
}

function encodeRow(row: Row, omit: readonly string[] | undefined): string {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === "__rowid" || omit?.includes(column)) continue;
    if (value !== null && typeof value === "object") throw new Error(`column ${column} holds binary data`);
    out[column] = value;
  }
  return JSON.stringify(out);
}

async function exportTable(
  deps: BackupDeps,
  id: string,
  scope: string,
  table: string,
  where: { column: string; workspace: string } | null,
  omit: readonly string[] | undefined,
): Promise<BackupFile[]> {
  const writer = new PartWriter(deps.bucket, id, scope, "table", table);
  const filter = where ? `${where.column} = ?1 AND rowid > ?2` : "rowid > ?1";
  const sql = `SELECT rowid AS __rowid, * FROM ${table} WHERE ${filter} ORDER BY rowid LIMIT ${PAGE_ROWS}`;
  for await (const page of pages(deps.db, sql, where ? [where.workspace] : [])) {
    for (const row of page) await writer.add(encodeRow(row, omit));
  }
  await writer.flush(true);
  return writer.files;
}

async function exportVectors(
  deps: BackupDeps,
  vectors: VectorStore,
  id: string,
  workspace: string,
): Promise<BackupFile[]> {
  const files: BackupFile[] = [];
  for (const namespace of VECTOR_NAMESPACES) {
    const writer = new PartWriter(deps.bucket, id, workspace, "vectors", namespace);
    const ids = (await vectors.ids(workspace, namespace)).sort();
    for (let i = 0; i < ids.length; i += VECTOR_PAGE) {
      const items = await vectors.get(workspace, namespace, ids.slice(i, i + VECTOR_PAGE));
      for (const item of items)
        await writer.add(JSON.stringify({ id: item.id, v: vectorToBase64(item.vector), p: item.payload }));
    }
    await writer.flush(true);
    files.push(...writer.files);
  }
  return files;
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
 * Runs a full backup and returns its manifest.
 *
 * @example
 * const manifest = await createBackup({ db: env.DB, bucket: env.BACKUPS, vectors }, "scheduled", new Date());
 */
export async function createBackup(
  deps: BackupDeps,
  trigger: BackupManifest["trigger"],
  at: Date,
  id = newBackupId(at, trigger),
): Promise<BackupManifest> {
  const tables = await existingTables(deps.db);
  const files: BackupFile[] = [];
  for (const workspace of await listWorkspaces(deps.db, tables)) {
    for (const table of WORKSPACE_TABLES) {
      if (!tables.has(table.name)) continue;
      const where = { column: table.workspaceColumn, workspace };
      files.push(...(await exportTable(deps, id, workspace, table.name, where, table.omit)));
    }
    if (deps.vectors) files.push(...(await exportVectors(deps, deps.vectors, id, workspace)));
  }
  for (const table of GLOBAL_TABLES) {
    if (tables.has(table.name))
      files.push(...(await exportTable(deps, id, GLOBAL_SCOPE, table.name, null, table.omit)));
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    schema_version: BACKUP_SCHEMA_VERSION,
    id,
    trigger,
    created_at: at.toISOString(),
    completed_at: new Date().toISOString(),
    d1_migrations: await appliedMigrations(deps.db),
    counts: countsOf(files),
    files,
    vectors: { backend: deps.vectorBackend ?? "local", restore: deps.vectors ? "from_backup" : "re_embed" },
  };
  await deps.bucket.put(backupKeys.manifest(id), JSON.stringify(manifest, null, 1), {
    httpMetadata: { contentType: "application/json" },
  });
  return manifest;
}
