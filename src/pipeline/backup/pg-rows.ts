/**
 * Postgres adapter of the backup row port (STORAGE_BACKEND=neon): every table of
 * src/pipeline/backup/tables.ts, which a neon deployment all keeps on Postgres (the engine's,
 * the LLM cache and usage, the accounts). Pages by primary key (keyset, no OFFSET), restores
 * with `INSERT … ON CONFLICT DO UPDATE` from `json_to_recordset` in one transaction per file,
 * clears in one transaction. Generated columns (the lexical index's `tsv`) are never read or
 * written: Postgres recomputes them from the restored text. Rows read and written look as on
 * D1 (booleans as 0/1), so the files and their digests are the same on both backends.
 */
import type { Pool } from "@neondatabase/serverless";
import { jsonBatches } from "../../storage/d1/sql";
import { pgQuery, pgTransaction } from "../../storage/neon/client";
import { type Columns, runAll, type Statement } from "../../storage/neon/sql";
import type { BackupRowStore, Row, TableRef } from "./rows";
import type { BackupTable } from "./tables";

/** Writable columns of a table (name → type) and its primary key, in key order. */
interface TableShape {
  columns: Columns;
  key: string[];
}

const isBoolean = (type: string | undefined) => type === "boolean";

/** D1 has no booleans (SQLite stores 0/1): a Postgres boolean is read as D1 would hold it. */
function asD1Row(row: Row, columns: Columns): Row {
  for (const [name, value] of Object.entries(row))
    if (typeof value === "boolean" && isBoolean(columns[name])) row[name] = value ? 1 : 0;
  return row;
}

/**
 * The restore statements of `rows` into `table` for `workspace`: its workspace column set to
 * the target, `columns` (the others) read from JSON, rows whose `requires` parent is missing
 * skipped (as D1's `WHERE EXISTS`), and a row with the same primary key replaced.
 */
function restoreStatements(
  table: BackupTable,
  shape: TableShape,
  columns: Columns,
  workspace: string,
  rows: readonly Row[],
): Statement[] {
  const names = Object.keys(columns);
  // A boolean column takes the file's 0/1 as it is: json_to_recordset reads JSON 1 as true.
  const recordset = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(", ");
  const picks = names.map((name) => `x.${name}`);
  const guard = table.requires
    ? ` WHERE EXISTS (SELECT 1 FROM ${table.requires.table} p WHERE p.${table.requires.key} = x.${table.requires.column})`
    : "";
  const updates = names.filter((name) => !shape.key.includes(name));
  const conflict =
    updates.length === 0
      ? "DO NOTHING"
      : `DO UPDATE SET ${updates.map((name) => `${name} = excluded.${name}`).join(", ")}`;
  const text =
    `INSERT INTO ${table.name} (${[table.workspaceColumn, ...names].join(", ")}) ` +
    `SELECT $1${picks.length > 0 ? `, ${picks.join(", ")}` : ""} FROM json_to_recordset($2::json) AS x(${recordset})${guard} ` +
    `ON CONFLICT (${shape.key.join(", ")}) ${conflict}`;
  // The last row per key wins, as with D1's INSERT OR REPLACE (an upsert may not touch a row twice).
  const key = shape.key.filter((name) => name !== table.workspaceColumn);
  const unique = new Map<string, Row>();
  for (const row of rows) unique.set(JSON.stringify(key.map((name) => row[name])), row);
  return jsonBatches([...unique.values()]).map((json) => ({ text, values: [workspace, json] }));
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
      yield rows.map((row) => asD1Row(row, columns));
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
    const shape = await this.shape(table.name);
    const first = rows[0] ?? {};
    // Only columns the live table has and the file holds; the workspace is the target's.
    const columns = Object.fromEntries(
      Object.entries(shape.columns).filter(([name]) => name !== table.workspaceColumn && name in first),
    );
    const statements = restoreStatements(table, shape, columns, workspace, rows);
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
