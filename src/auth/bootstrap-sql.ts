/**
 * SQL that creates an administrator directly in the accounts' database (D1, or Postgres with
 * STORAGE_BACKEND=neon), for `scripts/create-admin.ts` (the CLI way to the first administrator,
 * next to ADMIN_BOOTSTRAP_TOKEN). Values are validated before they are quoted; the statements
 * are idempotent for the workspace and refuse a taken username. No Worker types: the script
 * runs in Node.
 */
import { normalizeUsername } from "./username";

export interface AdminRow {
  id: string;
  username: string;
  email: string | null;
  passwordHash: string;
  workspace: string;
  now: number;
}

const SAFE = /^[A-Za-z0-9._@+$=,/-]*$/;

function quote(value: string): string {
  if (!SAFE.test(value)) throw new Error(`refusing to quote an unexpected value: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/**
 * The statements, separated by semicolons, in the order they must run; `postgres` for the
 * tables of migrations-pg (a boolean `disabled`), else D1's.
 *
 * @example
 * const sql = adminInsertSql({ id: crypto.randomUUID(), username: "admin", email: null, passwordHash, workspace: "default", now: Date.now() });
 */
export function adminInsertSql(row: AdminRow, dialect: "d1" | "postgres" = "d1"): string {
  const username = normalizeUsername(row.username);
  const enabled = dialect === "postgres" ? "false" : "0";
  const email = row.email === null ? "NULL" : quote(row.email);
  return [
    `INSERT INTO workspaces (id, display_name, created_at) VALUES (${quote(row.workspace)}, ${quote(row.workspace)}, ${row.now}) ON CONFLICT (id) DO NOTHING`,
    `INSERT INTO users (id, username, email, password_hash, role, disabled, created_at, updated_at) VALUES (${quote(row.id)}, ${quote(username)}, ${email}, ${quote(row.passwordHash)}, 'admin', ${enabled}, ${row.now}, ${row.now})`,
    `INSERT INTO memberships (user_id, workspace_id, created_at) VALUES (${quote(row.id)}, ${quote(row.workspace)}, ${row.now})`,
  ].join(";\n");
}
