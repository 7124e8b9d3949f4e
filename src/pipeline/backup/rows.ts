/**
 * The port backups and restores read and write rows through, so one backup code path serves
 * every storage backend: D1 (`D1BackupRows`), Postgres (`PgBackupRows`,
 * src/storage/neon/backup-rows.ts) and a deployment that keeps its engine tables on Postgres
 * and its accounts on D1 (`RoutedBackupRows`).
 *
 * Rows, not the engine's store ports: those return domain objects without every column
 * (`attempts`, `created_at`, `line_tokens` …), so a restore through them would not give back
 * the rows it was given. Rows here are plain column → JSON value maps, the same on every
 * backend, which is what lets a backup taken on one backend restore into another.
 */
import { type BackupTable, WORKSPACE_TABLES } from "./tables";

/** Tables the engine store holds (Postgres with STORAGE_BACKEND=neon). */
const ENGINE_TABLES = new Set(WORKSPACE_TABLES.filter((t) => t.engine).map((t) => t.name));

export type Row = Record<string, unknown>;

/** A table to read: a workspace table, or a global one (read whole, no workspace column). */
export type TableRef = Pick<BackupTable, "name" | "engine"> & { workspaceColumn?: string };

export interface BackupRowStore {
  /** Names of the declared tables this store holds now (a backup skips tables not yet migrated). */
  tables(): Promise<Set<string>>;
  /** Every workspace with a row in any of `tables`, sorted. */
  workspaces(tables: readonly BackupTable[]): Promise<string[]>;
  /** Rows of `table` (of `workspace`, or all when null), page by page, in a stable order. */
  pages(table: TableRef, workspace: string | null, pageRows: number): AsyncIterable<Row[]>;
  /** Deletes every row of `workspace` in `tables` (children first, as listed), in one batch or transaction. */
  clear(tables: readonly BackupTable[], workspace: string): Promise<void>;
  /**
   * Writes `rows` into `table` for `workspace` (its workspace column set to it), replacing rows
   * with the same key, so a step that runs twice writes the same rows. Columns the live table
   * lacks are dropped. Returns the rows given.
   */
  insert(table: BackupTable, workspace: string, rows: readonly Row[]): Promise<number>;
  /** Rows of `workspace` in `table`. */
  count(table: BackupTable, workspace: string): Promise<number>;
  /** Applied schema migrations, oldest first (recorded in the manifest). */
  migrations(): Promise<string[]>;
}

/**
 * Sends each table to the store that holds it: tables marked `engine` to `engine` (Postgres with
 * STORAGE_BACKEND=neon), the others to `accounts` (D1).
 *
 * @example
 * const rows = new RoutedBackupRows(new PgBackupRows(pool), new D1BackupRows(env.DB));
 */
export class RoutedBackupRows implements BackupRowStore {
  constructor(
    private readonly engine: BackupRowStore,
    private readonly accounts: BackupRowStore,
  ) {}

  private of(table: TableRef): BackupRowStore {
    return table.engine ? this.engine : this.accounts;
  }

  async tables(): Promise<Set<string>> {
    const [engine, accounts] = await Promise.all([this.engine.tables(), this.accounts.tables()]);
    // D1 keeps its (empty) engine tables on neon: each name counts only on the store that holds it.
    return new Set([
      ...[...engine].filter((name) => ENGINE_TABLES.has(name)),
      ...[...accounts].filter((name) => !ENGINE_TABLES.has(name)),
    ]);
  }

  async workspaces(tables: readonly BackupTable[]): Promise<string[]> {
    const [engine, accounts] = await Promise.all([
      this.engine.workspaces(tables.filter((t) => t.engine)),
      this.accounts.workspaces(tables.filter((t) => !t.engine)),
    ]);
    return [...new Set([...engine, ...accounts])].sort();
  }

  pages(table: TableRef, workspace: string | null, pageRows: number): AsyncIterable<Row[]> {
    return this.of(table).pages(table, workspace, pageRows);
  }

  async clear(tables: readonly BackupTable[], workspace: string): Promise<void> {
    await this.engine.clear(
      tables.filter((t) => t.engine),
      workspace,
    );
    await this.accounts.clear(
      tables.filter((t) => !t.engine),
      workspace,
    );
  }

  insert(table: BackupTable, workspace: string, rows: readonly Row[]): Promise<number> {
    return this.of(table).insert(table, workspace, rows);
  }

  count(table: BackupTable, workspace: string): Promise<number> {
    return this.of(table).count(table, workspace);
  }

  async migrations(): Promise<string[]> {
    return this.accounts.migrations();
  }
}
