/**
 * D1 adapter of the backup row port: pages by rowid (memory bounded by one page whatever the
 * table size), restores with `INSERT OR REPLACE` from `json_each`, clears in one batch.
 */
import { jsonBatches } from "../../storage/d1/sql";
import type { BackupRowStore, Row, TableRef } from "./rows";
import { appliedMigrations, existingTables, tableColumns } from "./schema-info";
import type { BackupTable } from "./tables";

export class D1BackupRows implements BackupRowStore {
  constructor(private readonly db: D1Database) {}

  tables(): Promise<Set<string>> {
    return existingTables(this.db);
  }

  /** One query per table: D1 caps compound SELECTs. */
  async workspaces(tables: readonly BackupTable[]): Promise<string[]> {
    const present = await this.tables();
    const statements = tables
      .filter((table) => present.has(table.name))
      .map((table) => this.db.prepare(`SELECT DISTINCT ${table.workspaceColumn} AS ws FROM ${table.name}`));
    if (statements.length === 0) return [];
    const results = await this.db.batch<{ ws: string }>(statements);
    return [...new Set(results.flatMap((result) => result.results.map((row) => row.ws)))].sort();
  }

  async *pages(table: TableRef, workspace: string | null, pageRows: number): AsyncGenerator<Row[]> {
    const filter = workspace !== null ? `${table.workspaceColumn} = ?1 AND rowid > ?2` : "rowid > ?1";
    const sql = `SELECT rowid AS __rowid, * FROM ${table.name} WHERE ${filter} ORDER BY rowid LIMIT ${pageRows}`;
    const bind = workspace !== null ? [workspace] : [];
    let after = -1;
    for (;;) {
      const { results } = await this.db
        .prepare(sql)
        .bind(...bind, after)
        .all<Row>();
      if (results.length === 0) return;
      after = Number(results[results.length - 1]?.__rowid);
      yield results.map(({ __rowid: _rowid, ...row }) => row);
      if (results.length < pageRows) return;
    }
  }

  async clear(tables: readonly BackupTable[], workspace: string): Promise<void> {
    const present = await this.tables();
    const statements = tables
      .filter((table) => present.has(table.name))
      .map((table) =>
        this.db.prepare(`DELETE FROM ${table.name} WHERE ${table.workspaceColumn} = ?1`).bind(workspace),
      );
    if (statements.length > 0) await this.db.batch(statements);
  }

  async insert(table: BackupTable, workspace: string, rows: readonly Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Columns come from the live schema; a file can only fill columns that exist.
    const columns = (await tableColumns(this.db, table.name)).filter(
      (column) => column !== table.workspaceColumn && rows[0] !== undefined && column in rows[0],
    );
    const picks = columns.map((column) => `json_extract(value, '$.${column}')`);
    const guard = table.requires
      ? ` WHERE EXISTS (SELECT 1 FROM ${table.requires.table} WHERE ${table.requires.key} = json_extract(value, '$.${table.requires.column}'))`
      : "";
    const sql =
      `INSERT OR REPLACE INTO ${table.name} (${[table.workspaceColumn, ...columns].join(", ")}) ` +
      `SELECT ?1${picks.length > 0 ? `, ${picks.join(", ")}` : ""} FROM json_each(?2)${guard}`;
    await this.db.batch(jsonBatches([...rows]).map((json) => this.db.prepare(sql).bind(workspace, json)));
    return rows.length;
  }

  async count(table: BackupTable, workspace: string): Promise<number> {
    const row = await this.db
      .prepare(`SELECT COUNT(*) AS n FROM ${table.name} WHERE ${table.workspaceColumn} = ?1`)
      .bind(workspace)
      .first<{ n: number }>();
    return row?.n ?? 0;
  }

  migrations(): Promise<string[]> {
    return appliedMigrations(this.db);
  }
}
