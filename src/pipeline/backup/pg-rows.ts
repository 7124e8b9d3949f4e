/**
 * Postgres adapter of the backup row port (STORAGE_BACKEND=neon): the engine tables of
 * src/storage/neon/schema-rag.ts. Pages by primary key (keyset, no OFFSET), restores with
 * `INSERT … ON CONFLICT DO UPDATE` from `json_to_recordset` in one transaction per file,
 * clears in one transaction. Generated columns (the lexical index's `tsv`) are never read or
 * written: Postgres recomputes them from the restored text.
 */
import type { Pool } from "@neondatabase/serverless";
import { pgQuery, pgTransaction } from "../../storage/neon/client";
import { type Columns, runAll, upsertStatements } from "../../storage/neon/sql";
import type { BackupRowStore, Row, TableRef } from "./rows";
import type { BackupTable } from "./tables";

/** Writable columns of a table (name → type) and its primary key (without the workspace). */
interface TableShape {
  columns: Columns;
  key: string[];
}

export class PgBackupRows implements BackupRowStore {
  private readonly shapes = new Map<string, Promise<TableShape>>();

  constructor(private readonly pool: Pool) {}

  /** From the catalog, once per table: file content never names a column or a type. */
  private shape(table: string): Promise<TableShape> {
    let shape = this.shapes.get(table);
    if (!shape) {
      shape = (async () => {
        const columns = await pgQuery<{ name: string; type: string }>(
          this.pool,
          `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
           WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
           ORDER BY attnum`,
          [table],
        );
        const key = await pgQuery<{ name: string }>(
          this.pool,
          `SELECT a.attname AS name FROM pg_index i
           JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
           WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.n`,
          [table],
        );
        return {
          columns: Object.fromEntries(columns.map((c) => [c.name, c.type])),
          key: key.map((k) => k.name),
        };
      })();
      this.shapes.set(table, shape);
    }
    return shape;
  }

  async tables(): Promise<Set<string>> {
    const rows = await pgQuery<{ name: string }>(
      this.pool,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
    );
    return new Set(rows.map((row) => row.name));
  }

  async workspaces(tables: readonly BackupTable[]): Promise<string[]> {
    const present = await this.tables();
    const selects = tables
      .filter((table) => present.has(table.name))
      .map((table) => `SELECT DISTINCT ${table.workspaceColumn} AS ws FROM ${table.name}`);
    if (selects.length === 0) return [];
    const rows = await pgQuery<{ ws: string }>(this.pool, selects.join(" UNION "));
    return [...new Set(rows.map((row) => row.ws))].sort();
  }

  async *pages(table: TableRef, workspace: string | null, pageRows: number): AsyncGenerator<Row[]> {
    const { columns, key } = await this.shape(table.name);
    const names = Object.keys(columns);
    const filters = workspace !== null ? [`${table.workspaceColumn} = $1`] : [];
    const offset = filters.length;
    const keyset = `(${key.join(", ")}) > (${key.map((_, i) => `$${offset + i + 1}`).join(", ")})`;
    const base = `SELECT ${names.join(", ")} FROM ${table.name}`;
    const order = `ORDER BY ${key.join(", ")} LIMIT ${pageRows}`;
    const bind = workspace !== null ? [workspace] : [];
    let after: unknown[] | null = null;
    for (;;) {
      const where = [...filters, ...(after ? [keyset] : [])];
      const sql = `${base}${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ${order}`;
      const rows: Row[] = await pgQuery<Row>(this.pool, sql, [...bind, ...(after ?? [])]);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1] ?? {};
      after = key.map((column) => last[column]);
      yield rows;
      if (rows.length < pageRows) return;
    }
  }

  async clear(tables: readonly BackupTable[], workspace: string): Promise<void> {
    const present = await this.tables();
    const statements = tables
      .filter((table) => present.has(table.name))
      .map((table) => ({
        text: `DELETE FROM ${table.name} WHERE ${table.workspaceColumn} = $1`,
        values: [workspace],
      }));
    if (statements.length > 0) await pgTransaction(this.pool, (tx) => runAll(tx, statements));
  }

  async insert(table: BackupTable, workspace: string, rows: readonly Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    if (table.workspaceColumn !== "workspace") throw new Error(`${table.name} is not an engine table`);
    const shape = await this.shape(table.name);
    const first = rows[0] ?? {};
    // Only columns the live table has and the file holds; the workspace is the target's.
    const columns = Object.fromEntries(
      Object.entries(shape.columns).filter(([name]) => name !== "workspace" && name in first),
    );
    const key = shape.key.filter((name) => name !== "workspace");
    const statements = upsertStatements(table.name, columns, key, [], workspace, rows);
    await pgTransaction(this.pool, (tx) => runAll(tx, statements));
    return rows.length;
  }

  async count(table: BackupTable, workspace: string): Promise<number> {
    const [row] = await pgQuery<{ n: number }>(
      this.pool,
      `SELECT count(*) AS n FROM ${table.name} WHERE ${table.workspaceColumn} = $1`,
      [workspace],
    );
    return row?.n ?? 0;
  }

  async migrations(): Promise<string[]> {
    const rows = await pgQuery<{ name: string }>(this.pool, "SELECT name FROM _migrations ORDER BY name");
    return rows.map((row) => row.name);
  }
}
