/**
 * Helpers that keep D1 statements within its limits: many rows travel as one JSON parameter
 * read with `json_each`, so a statement has at most a handful of bound parameters however
 * many rows it writes, and a whole merge fits in a few statements of one batch.
 */

/** Largest JSON parameter per statement; well under D1's 2 MB value limit. */
export const MAX_JSON_PARAM_CHARS = 512 * 1024;

/**
 * Splits `rows` into JSON arrays of at most `maxChars` characters each.
 *
 * @example
 * jsonBatches([{ id: "a" }, { id: "b" }]); // ['[{"id":"a"},{"id":"b"}]']
 */
export function jsonBatches(rows: readonly unknown[], maxChars = MAX_JSON_PARAM_CHARS): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const item = JSON.stringify(row);
    if (current.length > 0 && size + item.length + 1 > maxChars) {
      out.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(item);
    size += item.length + 1;
  }
  if (current.length > 0) out.push(`[${current.join(",")}]`);
  return out;
}

/**
 * `INSERT OR REPLACE` of many rows in as few statements as the size cap allows. `?1` is the
 * workspace; each row object carries the other columns by name.
 */
export function bulkUpsert(
  db: D1Database,
  table: string,
  columns: readonly string[],
  workspace: string,
  rows: readonly Record<string, unknown>[],
): D1PreparedStatement[] {
  if (rows.length === 0) return [];
  const picks = columns.map((column) => `json_extract(value, '$.${column}')`).join(", ");
  const sqlText = `INSERT OR REPLACE INTO ${table} (workspace, ${columns.join(", ")}) SELECT ?1, ${picks} FROM json_each(?2)`;
  return jsonBatches(rows).map((json) => db.prepare(sqlText).bind(workspace, json));
}

/** `DELETE FROM table WHERE workspace = ?1 AND column IN (ids)`, batched. */
export function bulkDelete(
  db: D1Database,
  table: string,
  column: string,
  workspace: string,
  values: readonly string[],
): D1PreparedStatement[] {
  if (values.length === 0) return [];
  const sqlText = `DELETE FROM ${table} WHERE workspace = ?1 AND ${column} IN (SELECT value FROM json_each(?2))`;
  return jsonBatches(values).map((json) => db.prepare(sqlText).bind(workspace, json));
}

/** Runs SELECTs over `values` in one round trip and concatenates the rows. */
export async function selectIn<T>(
  db: D1Database,
  sqlText: string,
  workspace: string,
  values: readonly unknown[],
): Promise<T[]> {
  if (values.length === 0) return [];
  const statements = jsonBatches(values).map((json) => db.prepare(sqlText).bind(workspace, json));
  const results = await db.batch<T>(statements);
  return results.flatMap((result) => result.results);
}

/** JSON columns are parsed with the shared helper (empty or corrupt: the fallback). */
export { parseJson } from "../../json";

/**
 * Upsert that updates every column except `keep` on conflict (e.g. `created_at` survives a
 * merge rewriting a node). `key` is the primary key without `workspace`.
 */
export function bulkMerge(
  db: D1Database,
  table: string,
  columns: readonly string[],
  key: readonly string[],
  keep: readonly string[],
  workspace: string,
  rows: readonly Record<string, unknown>[],
): D1PreparedStatement[] {
  if (rows.length === 0) return [];
  const picks = columns.map((column) => `json_extract(value, '$.${column}')`).join(", ");
  const updates = columns
    .filter((column) => !key.includes(column) && !keep.includes(column))
    .map((column) => `${column} = excluded.${column}`)
    .join(", ");
  // `WHERE true` resolves SQLite's parsing ambiguity between a SELECT's join and ON CONFLICT.
  const sqlText = `INSERT INTO ${table} (workspace, ${columns.join(", ")}) SELECT ?1, ${picks} FROM json_each(?2) WHERE true
    ON CONFLICT (workspace, ${key.join(", ")}) DO UPDATE SET ${updates}`;
  return jsonBatches(rows).map((json) => db.prepare(sqlText).bind(workspace, json));
}
