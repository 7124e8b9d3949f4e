/**
 * Reads migrations-pg/ (drizzle-kit's output for the Postgres backend) as `{ name, sql }` in
 * journal order, for the tests (vitest.config.ts binds them) and `npm run db:migrate:pg`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { PgMigration } from "../src/storage/neon/migrate";

interface Journal {
  entries: { idx: number; tag: string }[];
}

/**
 * @example
 * const migrations = readPgMigrations(path.join(__dirname, "migrations-pg"));
 */
export function readPgMigrations(dir: string): PgMigration[] {
  const journal = JSON.parse(readFileSync(path.join(dir, "meta", "_journal.json"), "utf8")) as Journal;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map((entry) => ({ name: entry.tag, sql: readFileSync(path.join(dir, `${entry.tag}.sql`), "utf8") }));
}
