/**
 * What a backup contains, declared once: every workspace-scoped table with the column that
 * holds the workspace, columns never exported (secrets) and whether a restore writes it back.
 * Adding a table to the backup is adding a line here; tables not yet migrated are skipped.
 */

export interface BackupTable {
  name: string;
  /** The column holding the workspace; a restore writes the target workspace into it. */
  workspaceColumn: string;
  /** Columns left out of the export (password and key hashes). */
  omit?: readonly string[];
  /** False for tables exported for the record only (they cannot work without their secrets). */
  restore: boolean;
  /** Rows are restored only where this parent row exists (`column` → `table.key`). */
  requires?: { column: string; table: string; key: string };
  /**
   * True for the knowledge engine's tables, which live where STORAGE_BACKEND says (Postgres on
   * neon); the others stay on D1 (src/pipeline/backup/rows.ts routes them).
   */
  engine?: boolean;
}

/** Per-workspace tables, in restore order (parents first). */
export const WORKSPACE_TABLES: readonly BackupTable[] = [
  { name: "workspaces", workspaceColumn: "id", restore: true },
  { name: "documents", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "document_contents", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "chunks", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "chunk_extractions", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "entities", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "relations", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "entity_sources", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "relation_sources", workspaceColumn: "workspace", restore: true, engine: true },
  { name: "llm_cache", workspaceColumn: "workspace", restore: true },
  { name: "llm_usage", workspaceColumn: "workspace", restore: true },
  {
    name: "memberships",
    workspaceColumn: "workspace_id",
    restore: true,
    requires: { column: "user_id", table: "users", key: "id" },
  },
  { name: "api_keys", workspaceColumn: "workspace", omit: ["key_hash"], restore: false },
];

/** Tables shared by all workspaces, exported once per backup for the record. */
export const GLOBAL_TABLES: readonly { name: string; omit: readonly string[] }[] = [
  { name: "users", omit: ["password_hash"] },
];

/** Workspace name used in file keys for the global tables (not a valid workspace name). */
export const GLOBAL_SCOPE = "_global";
