/**
 * D1 (SQLite) tables, declared with drizzle; `npm run db:generate` turns changes into a new
 * numbered migration in migrations/. docs/data-model.md describes every table.
 */
import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Tenants: every other row carries a workspace id and every query filters by it. */
export const workspaces = sqliteTable("workspaces", {
  id: text("id").primaryKey(),
  displayName: text("display_name").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});
