/**
 * The credential tables as a port: refresh tokens (login sessions), the revocation list of
 * access tokens and API keys, as storage primitives; the rules (rotation, reuse detection, the
 * revocation cache, key cascades) stay in sessions.ts, revocations.ts and api-keys.ts, which run
 * them on D1 through `D1CredentialStore`. Postgres implements the same port
 * (src/storage/neon/credentials.ts); one contract suite runs on both
 * (test/storage/contract/credentials.ts).
 */
import type { Role } from "../principal";

/** One refresh token's session fields. */
export interface SessionRow {
  id: string;
  familyId: string;
  userId: string;
  workspace: string;
  authTime: number;
  expiresAt: number;
}

/** A revoked login session (`sid`); the `kind` column leaves room for other subjects later. */
export interface RevocationRow {
  kind: "session";
  subject: string;
  revokedAt: number;
  /** Epoch ms after which no access token of the session can be alive anyway. */
  expiresAt: number;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  workspace: string;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface CredentialStore {
  /** Stores a refresh token by its hash. */
  insertRefreshToken(row: SessionRow & { tokenHash: string; createdAt: number }): Promise<void>;
  /** Marks the live, unused token of `tokenHash` used at `now` and returns it; null when none (one caller wins). */
  claimRefreshToken(tokenHash: string, now: number): Promise<SessionRow | null>;
  /** The token of `tokenHash` whatever its state, with when it was used. */
  findRefreshToken(tokenHash: string): Promise<(SessionRow & { usedAt: number | null }) | null>;
  /** Revokes every live token of a family at `now`. */
  revokeRefreshFamily(familyId: string, now: number): Promise<void>;
  /** The families of `userId` with a token that has not ended by `now`. */
  liveFamilies(userId: string, now: number): Promise<string[]>;
  /** Deletes tokens that ended at or before `before`; returns how many. */
  sweepRefreshTokens(before: number): Promise<number>;
  /** Subjects of session revocations still in force at `now`. */
  revokedSessions(now: number): Promise<string[]>;
  /** Records a revocation; a second one of the same subject keeps the later times. */
  upsertRevocation(row: RevocationRow): Promise<void>;
  /** Deletes revocations that ended at or before `now`; returns how many. */
  sweepRevocations(now: number): Promise<number>;
  insertApiKey(row: ApiKeyRow, keyHash: string): Promise<void>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRow | null>;
  touchApiKey(id: string, now: number): Promise<void>;
  /** Every key, or those of one workspace, newest first. */
  listApiKeys(workspace?: string): Promise<ApiKeyRow[]>;
  findApiKeyById(id: string): Promise<ApiKeyRow | null>;
  /**
   * Revokes key `id` (only in `workspace` when given) and every key descending from it
   * (made by it, by those, …) at `now`, keeping earlier revocation times; returns the rows.
   */
  revokeApiKeyTree(id: string, workspace: string | undefined, now: number): Promise<ApiKeyRow[]>;
  /**
   * Revokes at `now` every live key user `userId` made and every key descending from those;
   * returns the rows it revoked (keys already revoked are left as they were).
   */
  revokeKeysOfUser(userId: string, now: number): Promise<ApiKeyRow[]>;
}

/** How a key is named as the owner of the keys it creates (`created_by`). */
export const KEY_OWNER_PREFIX = "api_key:";

const SESSION_COLUMNS = `id, family_id AS familyId, user_id AS userId, workspace, auth_time AS authTime,
  expires_at AS expiresAt`;

/** The columns an API key is inserted with, and its values in that order (both adapters). */
export const API_KEY_INSERT_COLUMNS =
  "id, name, key_hash, prefix, role, workspace, created_by, created_at, expires_at";
export function apiKeyInsertValues(row: ApiKeyRow, keyHash: string): (string | number | null)[] {
  return [
    row.id,
    row.name,
    keyHash,
    row.prefix,
    row.role,
    row.workspace,
    row.createdBy,
    row.createdAt,
    row.expiresAt,
  ];
}

export const API_KEY_COLUMNS = `id, name, prefix, role, workspace, created_by AS createdBy, created_at AS createdAt,
  expires_at AS expiresAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt`;

/**
 * The recursive step of a `doomed(id)` common table expression: starting from its seed keys,
 * the keys they made, the keys those made, and so on (UNION stops on cycles); the same SQL on D1
 * and Postgres.
 */
export const AND_DESCENDANTS = `UNION SELECT k.id FROM api_keys k JOIN doomed d ON k.created_by = '${KEY_OWNER_PREFIX}' || d.id`;

/**
 * The credential tables on D1.
 *
 * @example
 * const won = await new D1CredentialStore(env.DB).claimRefreshToken(hash, Date.now());
 */
export class D1CredentialStore implements CredentialStore {
  constructor(private readonly db: D1Database) {}

  async insertRefreshToken(row: SessionRow & { tokenHash: string; createdAt: number }): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO refresh_tokens (id, token_hash, family_id, user_id, workspace, auth_time, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        row.id,
        row.tokenHash,
        row.familyId,
        row.userId,
        row.workspace,
        row.authTime,
        row.expiresAt,
        row.createdAt,
      )
      .run();
  }

  claimRefreshToken(tokenHash: string, now: number): Promise<SessionRow | null> {
    return this.db
      .prepare(
        `UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
       RETURNING ${SESSION_COLUMNS}`,
      )
      .bind(now, tokenHash, now)
      .first<SessionRow>();
  }

  findRefreshToken(tokenHash: string): Promise<(SessionRow & { usedAt: number | null }) | null> {
    return this.db
      .prepare(`SELECT ${SESSION_COLUMNS}, used_at AS usedAt FROM refresh_tokens WHERE token_hash = ?`)
      .bind(tokenHash)
      .first<SessionRow & { usedAt: number | null }>();
  }

  async revokeRefreshFamily(familyId: string, now: number): Promise<void> {
    await this.db
      .prepare("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL")
      .bind(now, familyId)
      .run();
  }

  async liveFamilies(userId: string, now: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        "SELECT DISTINCT family_id AS familyId FROM refresh_tokens WHERE user_id = ? AND expires_at > ?",
      )
      .bind(userId, now)
      .all<{ familyId: string }>();
    return results.map((row) => row.familyId);
  }

  async sweepRefreshTokens(before: number): Promise<number> {
    const result = await this.db
      .prepare("DELETE FROM refresh_tokens WHERE expires_at <= ?")
      .bind(before)
      .run();
    return result.meta.changes ?? 0;
  }

  async revokedSessions(now: number): Promise<string[]> {
    const { results } = await this.db
      .prepare("SELECT subject FROM token_revocations WHERE kind = 'session' AND expires_at > ?")
      .bind(now)
      .all<{ subject: string }>();
    return results.map((row) => row.subject);
  }

  async upsertRevocation(row: RevocationRow): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO token_revocations (kind, subject, revoked_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, subject) DO UPDATE SET revoked_at = max(revoked_at, excluded.revoked_at),
         expires_at = max(expires_at, excluded.expires_at)`,
      )
      .bind(row.kind, row.subject, row.revokedAt, row.expiresAt)
      .run();
  }

  async sweepRevocations(now: number): Promise<number> {
    const result = await this.db
      .prepare("DELETE FROM token_revocations WHERE expires_at <= ?")
      .bind(now)
      .run();
    return result.meta.changes ?? 0;
  }

  async insertApiKey(row: ApiKeyRow, keyHash: string): Promise<void> {
    await this.db
      .prepare(`INSERT INTO api_keys (${API_KEY_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .bind(...apiKeyInsertValues(row, keyHash))
      .run();
  }

  findApiKeyByHash(keyHash: string): Promise<ApiKeyRow | null> {
    return this.db
      .prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`)
      .bind(keyHash)
      .first<ApiKeyRow>();
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    await this.db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?").bind(now, id).run();
  }

  async listApiKeys(workspace?: string): Promise<ApiKeyRow[]> {
    const { results } = await this.db
      .prepare(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE ?1 IS NULL OR workspace = ?1 ORDER BY created_at DESC`,
      )
      .bind(workspace ?? null)
      .all<ApiKeyRow>();
    return results;
  }

  findApiKeyById(id: string): Promise<ApiKeyRow | null> {
    return this.db
      .prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = ?`)
      .bind(id)
      .first<ApiKeyRow>();
  }

  async revokeApiKeyTree(id: string, workspace: string | undefined, now: number): Promise<ApiKeyRow[]> {
    const { results } = await this.db
      .prepare(
        `WITH RECURSIVE doomed(id) AS (
         SELECT id FROM api_keys WHERE id = ?1 AND (?2 IS NULL OR workspace = ?2) ${AND_DESCENDANTS})
       UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?3)
       WHERE id IN (SELECT id FROM doomed) RETURNING ${API_KEY_COLUMNS}`,
      )
      .bind(id, workspace ?? null, now)
      .all<ApiKeyRow>();
    return results;
  }

  async revokeKeysOfUser(userId: string, now: number): Promise<ApiKeyRow[]> {
    const { results } = await this.db
      .prepare(
        `WITH RECURSIVE doomed(id) AS (
         SELECT id FROM api_keys WHERE created_by = ?1 ${AND_DESCENDANTS})
       UPDATE api_keys SET revoked_at = ?2
       WHERE id IN (SELECT id FROM doomed) AND revoked_at IS NULL RETURNING ${API_KEY_COLUMNS}`,
      )
      .bind(userId, now)
      .all<ApiKeyRow>();
    return results;
  }
}

/** What the credential functions take: a D1 database (wrapped in `D1CredentialStore`) or any store. */
export type CredentialSource = D1Database | CredentialStore;

/**
 * The store behind `source`.
 *
 * @example
 * const store = credentialStore(env.DB); // D1CredentialStore
 */
export function credentialStore(source: CredentialSource): CredentialStore {
  return "prepare" in source ? new D1CredentialStore(source) : source;
}
