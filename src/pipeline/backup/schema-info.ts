/** What the live D1 database holds: its tables, their columns and the applied migrations. */

/** Names of the user tables that exist now (a backup skips declared tables not yet migrated). */
export async function existingTables(db: D1Database): Promise<Set<string>> {
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all<{ name: string }>();
  return new Set(results.map((row) => row.name));
}

/** Column names of `table` (from the schema, so file content never names a column). */
export async function tableColumns(db: D1Database, table: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT name FROM pragma_table_info(?1)")
    .bind(table)
    .all<{ name: string }>();
  return results.map((row) => row.name);
}

/** Names of the applied D1 migrations, oldest first; empty when the table is absent. */
export async function appliedMigrations(db: D1Database): Promise<string[]> {
  try {
    const { results } = await db
      .prepare("SELECT name FROM d1_migrations ORDER BY id")
      .all<{ name: string }>();
    return results.map((row) => row.name);
  } catch {
    return [];
  }
}
