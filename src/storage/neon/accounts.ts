/**
 * Postgres adapter of the account directory (users, workspaces, memberships): the same
 * answers as the D1 functions of src/auth/store/ (`AccountDirectory`), names ordered by bytes
 * (COLLATE "C") as SQLite orders them. Multi-statement changes run in one transaction.
 */
import type { Pool } from "@neondatabase/serverless";
import { keyOwnerId } from "../../auth/api-keys";
import type {
  AccountDirectory,
  NewUser,
  UserChanges,
  UserRow,
  WorkspaceView,
} from "../../auth/store/directory";
import { usernameTaken } from "../../auth/store/users";
import { normalizeUsername } from "../../auth/username";
import { pgQuery, pgTransaction } from "./client";

interface UserRecord {
  id: string;
  username: string;
  email: string | null;
  password_hash: string;
  role: UserRow["role"];
  disabled: boolean;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

const USER_COLUMNS =
  "id, username, email, password_hash, role, disabled, created_at, updated_at, last_login_at";

const toUser = (row: UserRecord): UserRow => ({
  id: row.id,
  username: row.username,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role,
  disabled: row.disabled,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at),
});

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = "23505";

export class PgAccountDirectory implements AccountDirectory {
  constructor(private readonly pool: Pool) {}

  private async oneUser(where: string, value: string): Promise<UserRow | null> {
    const [row] = await pgQuery<UserRecord>(
      this.pool,
      `SELECT ${USER_COLUMNS} FROM users WHERE ${where} = $1 LIMIT 1`,
      [value],
    );
    return row ? toUser(row) : null;
  }

  findUserByUsername(username: string): Promise<UserRow | null> {
    return this.oneUser("username", normalizeUsername(username));
  }

  findUserById(id: string): Promise<UserRow | null> {
    return this.oneUser("id", id);
  }

  async createUser(input: NewUser): Promise<UserRow> {
    const now = Date.now();
    const row: UserRow = {
      id: crypto.randomUUID(),
      username: normalizeUsername(input.username),
      email: input.email ?? null,
      passwordHash: input.passwordHash,
      role: input.role,
      disabled: false,
      createdAt: new Date(now),
      updatedAt: new Date(now),
      lastLoginAt: null,
    };
    const spaces = [...new Set(input.workspaces)];
    try {
      await pgTransaction(this.pool, async (tx) => {
        await tx.query(
          `INSERT INTO users (id, username, email, password_hash, role, disabled, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, false, $6, $6)`,
          [row.id, row.username, row.email, row.passwordHash, row.role, now],
        );
        if (spaces.length === 0) return;
        await tx.query(
          `INSERT INTO workspaces (id, display_name) SELECT w, w FROM unnest($1::text[]) AS w
           ON CONFLICT (id) DO NOTHING`,
          [spaces],
        );
        await tx.query(
          `INSERT INTO memberships (user_id, workspace_id, created_at)
           SELECT $1, w, $2 FROM unnest($3::text[]) AS w`,
          [row.id, now, spaces],
        );
      });
    } catch (error) {
      if ((error as { code?: string })?.code === UNIQUE_VIOLATION) {
        throw usernameTaken();
      }
      throw error;
    }
    return row;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.pool.query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", [
      id,
      passwordHash,
      Date.now(),
    ]);
  }

  async touchLogin(id: string): Promise<void> {
    await this.pool.query("UPDATE users SET last_login_at = $2 WHERE id = $1", [id, Date.now()]);
  }

  async listUsers(limit: number, offset: number): Promise<UserRow[]> {
    const rows = await pgQuery<UserRecord>(
      this.pool,
      `SELECT ${USER_COLUMNS} FROM users ORDER BY username COLLATE "C" LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map(toUser);
  }

  async updateUser(id: string, changes: UserChanges): Promise<void> {
    const set = ["updated_at = $2"];
    const values: unknown[] = [id, Date.now()];
    const add = (column: string, value: unknown) => {
      values.push(value);
      set.push(`${column} = $${values.length}`);
    };
    if (changes.role !== undefined) add("role", changes.role);
    if (changes.disabled !== undefined) add("disabled", changes.disabled);
    if (changes.email !== undefined) add("email", changes.email);
    await this.pool.query(`UPDATE users SET ${set.join(", ")} WHERE id = $1`, values);
  }

  async deleteUser(id: string): Promise<void> {
    // As on D1: the user's API keys go with the account, and the keys those keys made, transitively.
    await pgTransaction(this.pool, async (tx) => {
      await tx.query(
        `WITH RECURSIVE doomed(id) AS (
           SELECT id FROM api_keys WHERE created_by = $1
           UNION SELECT k.id FROM api_keys k JOIN doomed d ON k.created_by = $2 || d.id)
         DELETE FROM api_keys WHERE id IN (SELECT id FROM doomed)`,
        [id, keyOwnerId("")],
      );
      await tx.query("DELETE FROM memberships WHERE user_id = $1", [id]);
      await tx.query("DELETE FROM users WHERE id = $1", [id]);
    });
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await pgQuery<{ n: number }>(
      this.pool,
      "SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = false",
    );
    return row?.n ?? 0;
  }

  async userWorkspaces(userId: string): Promise<string[]> {
    const rows = await pgQuery<{ ws: string }>(
      this.pool,
      `SELECT workspace_id AS ws FROM memberships WHERE user_id = $1 ORDER BY workspace_id COLLATE "C"`,
      [userId],
    );
    return rows.map((row) => row.ws);
  }

  async isMember(userId: string, workspace: string): Promise<boolean> {
    const rows = await pgQuery(
      this.pool,
      "SELECT 1 FROM memberships WHERE user_id = $1 AND workspace_id = $2 LIMIT 1",
      [userId, workspace],
    );
    return rows.length > 0;
  }

  async listWorkspaces(): Promise<WorkspaceView[]> {
    const rows = await pgQuery<{ id: string; display_name: string; created_at: number }>(
      this.pool,
      `SELECT id, display_name, created_at FROM workspaces ORDER BY id COLLATE "C"`,
    );
    return rows.map((row) => ({
      id: row.id,
      display_name: row.display_name,
      created_at: new Date(row.created_at).toISOString(),
    }));
  }

  async createWorkspace(id: string, displayName: string): Promise<boolean> {
    const rows = await pgQuery(
      this.pool,
      "INSERT INTO workspaces (id, display_name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING 1",
      [id, displayName],
    );
    return rows.length > 0;
  }

  async workspaceExists(id: string): Promise<boolean> {
    const rows = await pgQuery(this.pool, "SELECT 1 FROM workspaces WHERE id = $1 LIMIT 1", [id]);
    return rows.length > 0;
  }

  workspaceMembers(id: string): Promise<{ user_id: string; username: string }[]> {
    return pgQuery(
      this.pool,
      `SELECT u.id AS user_id, u.username FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.workspace_id = $1 ORDER BY u.username COLLATE "C"`,
      [id],
    );
  }

  async addMember(workspace: string, userId: string): Promise<boolean> {
    const rows = await pgQuery(
      this.pool,
      `INSERT INTO memberships (user_id, workspace_id) VALUES ($1, $2)
       ON CONFLICT (user_id, workspace_id) DO NOTHING RETURNING 1`,
      [userId, workspace],
    );
    return rows.length > 0;
  }

  async removeMember(workspace: string, userId: string): Promise<boolean> {
    const rows = await pgQuery(
      this.pool,
      "DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2 RETURNING 1",
      [workspace, userId],
    );
    return rows.length > 0;
  }
}

/** What deleting a workspace removes of the accounts, children first (as the D1 purge does). */
const WORKSPACE_ACCOUNT_TABLES = [
  { name: "memberships", column: "workspace_id" },
  { name: "api_keys", column: "workspace" },
  { name: "workspaces", column: "id" },
] as const;

/**
 * Deletes workspace `ws`'s memberships, API keys and row in one transaction; returns the rows
 * per table. Users stay (they may belong elsewhere), as on D1.
 *
 * @example
 * const deleted = await clearPgWorkspaceAccounts(pool, "acme"); // { memberships: 2, api_keys: 1, workspaces: 1 }
 */
export function clearPgWorkspaceAccounts(pool: Pool, ws: string): Promise<Record<string, number>> {
  return pgTransaction(pool, async (tx) => {
    const deleted: Record<string, number> = {};
    for (const table of WORKSPACE_ACCOUNT_TABLES) {
      const [row] = await pgQuery<{ n: number }>(
        tx,
        `WITH gone AS (DELETE FROM ${table.name} WHERE ${table.column} = $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
        [ws],
      );
      deleted[table.name] = row?.n ?? 0;
    }
    return deleted;
  });
}
