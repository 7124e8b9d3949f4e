/**
 * What a backup contains, declared once: every workspace-scoped table with the column that
 * holds the workspace, columns never exported (secrets) and whether a restore writes it back.
 * Adding a table to the backup is adding a line here; tables not yet migrated are skipped.
 * The list is the same on D1 and Postgres (STORAGE_BACKEND=neon keeps all of them there).
 *
 * Left out on purpose, on both backends:
 * - `audit_events`: a record of what happened to the service, not workspace content. A restore
 *   clears and rewrites its target, which would erase the events since the backup (the restore's
 *   own among them) from an append-only log; workspace deletion (purge.ts, same list) keeps them
 *   as the record of the deletion. Retention (AUDIT_RETENTION_DAYS) prunes them; every event is
 *   also a log line (Logpush).
 * - `refresh_tokens`, `token_revocations`: short-lived credentials; a restore must not bring
 *   back a session or undo a revocation.
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
}

/** Per-workspace tables, in restore order (parents first). */
export const WORKSPACE_TABLES: readonly BackupTable[] = [
  { name: "workspaces", workspaceColumn: "id", restore: true },
  { name: "documents", workspaceColumn: "workspace", restore: true },
  { name: "document_contents", workspaceColumn: "workspace", restore: true },
  { name: "chunks", workspaceColumn: "workspace", restore: true },
  { name: "chunk_extractions", workspaceColumn: "workspace", restore: true },
  { name: "entities", workspaceColumn: "workspace", restore: true },
  { name: "relations", workspaceColumn: "workspace", restore: true },
  { name: "entity_sources", workspaceColumn: "workspace", restore: true },
  { name: "relation_sources", workspaceColumn: "workspace", restore: true },
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
