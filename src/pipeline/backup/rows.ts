/**
 * The port backups and restores read and write rows through, so one backup code path serves
 * every storage backend: D1 (`D1BackupRows`, d1-rows.ts) and Postgres (`PgBackupRows`,
 * pg-rows.ts). A deployment keeps every backed-up table on the one backend STORAGE_BACKEND
 * names (the engine's, the LLM cache and usage, the accounts), so one store serves a backup.
 *
 * Rows, not the engine's store ports: those return domain objects without every column
 * (`attempts`, `created_at`, `line_tokens` …), so a restore through them would not give back
 * the rows it was given. Rows here are plain column → JSON value maps, the same on every
 * backend, which is what lets a backup taken on one backend restore into another.
 */
import type { BackupTable } from "./tables";

export type Row = Record<string, unknown>;

/** A table to read: a workspace table, or a global one (read whole, no workspace column). */
export type TableRef = Pick<BackupTable, "name"> & { workspaceColumn?: string };

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
