/**
 * API keys for machines (`X-API-Key`): created by administrators, shown once, stored as
 * SHA-256, scoped to one role and one workspace, revocable; the last use is recorded.
 */
import { randomToken, sha256Hex } from "./encoding";
import type { Role } from "./principal";

export const API_KEY_PREFIX = "lrk_";
/** How many leading characters of a key are kept in clear to tell keys apart. */
const SHOWN_PREFIX_LENGTH = 10;
/** Last-use writes are skipped when the recorded one is this recent: a busy key costs one write a minute. */
const LAST_USED_RESOLUTION_MS = 60_000;

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

const COLUMNS = `id, name, prefix, role, workspace, created_by AS createdBy, created_at AS createdAt,
  expires_at AS expiresAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt`;

/** The JSON shape of a key in admin answers (never the secret or its hash). */
export function publicApiKey(row: ApiKeyRow) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    workspace: row.workspace,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
    expires_at: iso(row.expiresAt),
    last_used_at: iso(row.lastUsedAt),
    revoked_at: iso(row.revokedAt),
  };
}

/**
 * Creates a key and returns it with the secret, which is never retrievable again.
 *
 * @example
 * const { key } = await createApiKey(env.DB, { name: "ingest bot", role: "user", workspace: "docs", createdBy: admin.id });
 */
export async function createApiKey(
  db: D1Database,
  input: { name: string; role: Role; workspace: string; createdBy: string | null; expiresAt: number | null },
): Promise<{ key: string; row: ApiKeyRow }> {
  const key = randomToken(API_KEY_PREFIX);
  const row: ApiKeyRow = {
    id: crypto.randomUUID(),
    name: input.name,
    prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
    role: input.role,
    workspace: input.workspace,
    createdBy: input.createdBy,
    createdAt: Date.now(),
    expiresAt: input.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
  };
  await db
    .prepare(
      `INSERT INTO api_keys (id, name, key_hash, prefix, role, workspace, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      row.id,
      row.name,
      await sha256Hex(key),
      row.prefix,
      row.role,
      row.workspace,
      row.createdBy,
      row.createdAt,
      row.expiresAt,
    )
    .run();
  return { key, row };
}

/** The live key matching `key`, or null (unknown, revoked or expired). */
export async function findApiKey(db: D1Database, key: string): Promise<ApiKeyRow | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) return null;
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = ?`)
    .bind(await sha256Hex(key))
    .first<ApiKeyRow>();
  if (!row || row.revokedAt !== null) return null;
  if (row.expiresAt !== null && row.expiresAt <= Date.now()) return null;
  return row;
}

/** Records a use, at most once a minute per key; meant for `waitUntil`. */
export async function recordApiKeyUse(db: D1Database, row: ApiKeyRow): Promise<void> {
  const now = Date.now();
  if (row.lastUsedAt !== null && now - row.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
  await db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?").bind(now, row.id).run();
}

export async function listApiKeys(db: D1Database): Promise<ApiKeyRow[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC`)
    .all<ApiKeyRow>();
  return results;
}

/** Revokes a key; null when there is no such key, the row otherwise. */
export async function revokeApiKey(db: D1Database, id: string): Promise<ApiKeyRow | null> {
  return db
    .prepare(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING ${COLUMNS}`)
    .bind(Date.now(), id)
    .first<ApiKeyRow>();
}
