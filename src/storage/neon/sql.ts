/**
 * Statement builders of the Postgres adapters: many rows travel as one JSON parameter read with
 * `json_to_recordset` (as D1's travel through `json_each`), so a write of thousands of rows is a
 * handful of statements. Table and column names come from this code, never from input.
 */
import { jsonBatches } from "../d1/sql";
import { pgQuery, type Queryable } from "./client";

/** Column name → Postgres type, in table order after `workspace`. */
export type Columns = Readonly<Record<string, string>>;

/** A statement and its parameters, run later (in a transaction or not). */
export interface Statement {
  text: string;
  values: unknown[];
}

/** Runs statements in order on one connection (an open transaction's, for atomicity). */
export async function runAll(db: Queryable, statements: readonly Statement[]): Promise<void> {
  for (const statement of statements) await db.query(statement.text, statement.values);
}

const recordset = (columns: Columns) =>
  `json_to_recordset($2::json) AS x(${Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(", ")})`;

/**
 * `workspace` and `columns` (prefixed by `alias.`) for a SELECT list: never `*`, which would
 * also carry the generated `tsv` columns of the lexical index (src/storage/neon/lexical.ts).
 *
 * @example
 * selectList({ id: "text", content: "text" }, "c"); // "c.workspace, c.id, c.content"
 */
export function selectList(columns: Columns, alias?: string): string {
  const prefix = alias ? `${alias}.` : "";
  return ["workspace", ...Object.keys(columns)].map((name) => `${prefix}${name}`).join(", ");
}

/** Last row per key wins, as with SQLite's `INSERT OR REPLACE` (an upsert may not touch a row twice). */
function lastPerKey(rows: readonly Record<string, unknown>[], key: readonly string[]) {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of rows) byKey.set(JSON.stringify(key.map((column) => row[column])), row);
  return [...byKey.values()];
}

/**
 * Upserts `rows` into `table` (primary key `workspace` + `key`): every column is replaced
 * except those in `keep` (e.g. `created_at` survives a merge rewriting a node).
 *
 * @example
 * upsertStatements("chunks", { id: "text", content: "text" }, ["id"], [], ws, rows);
 */
export function upsertStatements(
  table: string,
  columns: Columns,
  key: readonly string[],
  keep: readonly string[],
  workspace: string,
  rows: readonly Record<string, unknown>[],
): Statement[] {
  if (rows.length === 0) return [];
  const names = Object.keys(columns);
  const updates = names.filter((name) => !key.includes(name) && !keep.includes(name));
  const conflict =
    updates.length === 0
      ? "DO NOTHING"
      : `DO UPDATE SET ${updates.map((name) => `${name} = excluded.${name}`).join(", ")}`;
  const text = `INSERT INTO ${table} (workspace, ${names.join(", ")})
    SELECT $1, ${names.join(", ")} FROM ${recordset(columns)}
    ON CONFLICT (workspace, ${key.join(", ")}) ${conflict}`;
  return jsonBatches(lastPerKey(rows, key)).map((json) => ({ text, values: [workspace, json] }));
}

/** `DELETE FROM table WHERE workspace = $1 AND column = ANY(values)`. */
export function deleteInStatements(
  table: string,
  column: string,
  workspace: string,
  values: readonly string[],
): Statement[] {
  if (values.length === 0) return [];
  return [
    {
      text: `DELETE FROM ${table} WHERE workspace = $1 AND ${column} = ANY($2::text[])`,
      values: [workspace, values],
    },
  ];
}

/** `DELETE` of every row of `table` whose (src, tgt) is one of `pairs`. */
export function deletePairStatements(
  table: string,
  workspace: string,
  pairs: readonly { src: string; tgt: string }[],
): Statement[] {
  if (pairs.length === 0) return [];
  return jsonBatches(pairs.map(({ src, tgt }) => ({ src, tgt }))).map((json) => ({
    text: `DELETE FROM ${table} AS t USING json_to_recordset($2::json) AS x(src text, tgt text)
      WHERE t.workspace = $1 AND t.src = x.src AND t.tgt = x.tgt`,
    values: [workspace, json],
  }));
}

/** Rows of `text` where `$2` is a JSON array of (src, tgt) pairs, batched and concatenated. */
export async function selectPairs<R>(
  db: Queryable,
  text: string,
  workspace: string,
  pairs: readonly { src: string; tgt: string }[],
): Promise<R[]> {
  if (pairs.length === 0) return [];
  const batches = jsonBatches(pairs.map(({ src, tgt }) => ({ src, tgt })));
  const results = await Promise.all(batches.map((json) => pgQuery<R>(db, text, [workspace, json])));
  return results.flat();
}

/** Parses a JSON text column, falling back when it is empty or corrupt. */
export { parseJson } from "../d1/sql";
