/**
 * Postgres adapter of the credential tables (refresh tokens, token revocations, API keys): the
 * same primitives as `D1CredentialStore` (src/auth/store/credentials.ts), so the session, revocation
 * and key rules of src/auth/ run unchanged on either backend.
 */
import {
  AND_DESCENDANTS,
  API_KEY_INSERT_COLUMNS,
  type ApiKeyRow,
  apiKeyInsertValues,
  type CredentialStore,
  type RevocationRow,
  type SessionRow,
} from "../../auth/store/credentials";
import { pgQuery, type Queryable } from "./client";

// Quoted aliases: Postgres folds unquoted identifiers to lower case.
const SESSION_COLUMNS = `id, family_id AS "familyId", user_id AS "userId", workspace, auth_time AS "authTime",
  expires_at AS "expiresAt"`;
const API_KEY_COLUMNS = `id, name, prefix, role, workspace, created_by AS "createdBy", created_at AS "createdAt",
  expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

export class PgCredentialStore implements CredentialStore {
  constructor(private readonly db: Queryable) {}

  async insertRefreshToken(row: SessionRow & { tokenHash: string; createdAt: number }): Promise<void> {
    await this.db.query(
      `INSERT INTO refresh_tokens (id, token_hash, family_id, user_id, workspace, auth_time, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        row.id,
        row.tokenHash,
        row.familyId,
        row.userId,
        row.workspace,
        row.authTime,
        row.expiresAt,
        row.createdAt,
      ],
    );
  }

  async claimRefreshToken(tokenHash: string, now: number): Promise<SessionRow | null> {
    // One statement: of two concurrent claims, the second finds used_at set and gets no row.
    const [row] = await pgQuery<SessionRow>(
      this.db,
      `UPDATE refresh_tokens SET used_at = $1
       WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1
       RETURNING ${SESSION_COLUMNS}`,
      [now, tokenHash],
    );
    return row ?? null;
  }

  async findRefreshToken(tokenHash: string): Promise<(SessionRow & { usedAt: number | null }) | null> {
    const [row] = await pgQuery<SessionRow & { usedAt: number | null }>(
      this.db,
      `SELECT ${SESSION_COLUMNS}, used_at AS "usedAt" FROM refresh_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return row ?? null;
  }

  async revokeRefreshFamily(familyId: string, now: number): Promise<void> {
    await this.db.query(
      "UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
      [now, familyId],
    );
  }

  async liveFamilies(userId: string, now: number): Promise<string[]> {
    const rows = await pgQuery<{ family_id: string }>(
      this.db,
      "SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1 AND expires_at > $2",
      [userId, now],
    );
    return rows.map((row) => row.family_id);
  }

  async sweepRefreshTokens(before: number): Promise<number> {
    const rows = await pgQuery(this.db, "DELETE FROM refresh_tokens WHERE expires_at <= $1 RETURNING 1", [
      before,
    ]);
    return rows.length;
  }

  async revokedSessions(now: number): Promise<string[]> {
    const rows = await pgQuery<{ subject: string }>(
      this.db,
      "SELECT subject FROM token_revocations WHERE kind = 'session' AND expires_at > $1",
      [now],
    );
    return rows.map((row) => row.subject);
  }

  async upsertRevocation(row: RevocationRow): Promise<void> {
    await this.db.query(
      `INSERT INTO token_revocations AS r (kind, subject, revoked_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, subject) DO UPDATE SET revoked_at = greatest(r.revoked_at, excluded.revoked_at),
         expires_at = greatest(r.expires_at, excluded.expires_at)`,
      [row.kind, row.subject, row.revokedAt, row.expiresAt],
    );
  }

  async sweepRevocations(now: number): Promise<number> {
    const rows = await pgQuery(this.db, "DELETE FROM token_revocations WHERE expires_at <= $1 RETURNING 1", [
      now,
    ]);
    return rows.length;
  }

  async insertApiKey(row: ApiKeyRow, keyHash: string): Promise<void> {
    await this.db.query(
      `INSERT INTO api_keys (${API_KEY_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      apiKeyInsertValues(row, keyHash),
    );
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRow | null> {
    const [row] = await pgQuery<ApiKeyRow>(
      this.db,
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`,
      [keyHash],
    );
    return row ?? null;
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    await this.db.query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2", [now, id]);
  }

  listApiKeys(workspace?: string): Promise<ApiKeyRow[]> {
    return pgQuery<ApiKeyRow>(
      this.db,
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE $1::text IS NULL OR workspace = $1 ORDER BY created_at DESC`,
      [workspace ?? null],
    );
  }

  async findApiKeyById(id: string): Promise<ApiKeyRow | null> {
    const [row] = await pgQuery<ApiKeyRow>(this.db, `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1`, [
      id,
    ]);
    return row ?? null;
  }

  revokeApiKeyTree(id: string, workspace: string | undefined, now: number): Promise<ApiKeyRow[]> {
    return pgQuery<ApiKeyRow>(
      this.db,
      `WITH RECURSIVE doomed(id) AS (
         SELECT id FROM api_keys WHERE id = $1 AND ($2::text IS NULL OR workspace = $2) ${AND_DESCENDANTS})
       UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3)
       WHERE id IN (SELECT id FROM doomed) RETURNING ${API_KEY_COLUMNS}`,
      [id, workspace ?? null, now],
    );
  }

  revokeKeysOfUser(userId: string, now: number): Promise<ApiKeyRow[]> {
    return pgQuery<ApiKeyRow>(
      this.db,
      `WITH RECURSIVE doomed(id) AS (
         SELECT id FROM api_keys WHERE created_by = $1 ${AND_DESCENDANTS})
       UPDATE api_keys SET revoked_at = $2
       WHERE id IN (SELECT id FROM doomed) AND revoked_at IS NULL RETURNING ${API_KEY_COLUMNS}`,
      [userId, now],
    );
  }
}
