/**
 * API keys for machines (`X-API-Key`): created by administrators, shown once, stored as
 * SHA-256, scoped to one role and one workspace, revocable; the last use is recorded.
 * `created_by` is the owner: a user id, or `api_key:<id>` for a key made by a key. A key never
 * outlives its owner: revoking a key revokes the keys it made, and deleting a user deletes the
 * keys the user made and every key made by those, transitively (docs/security.md).
 */
import { type SQL, sql } from "drizzle-orm";
import { randomToken, sha256Hex } from "./encoding";
import type { Role } from "./principal";

export const API_KEY_PREFIX = "lrk_";
/** How a key is named as a principal's `userId` and as the owner of the keys it creates. */
const KEY_OWNER_PREFIX = "api_key:";
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

/**
 * The owner id of key `id`: the `userId` of its principal and the `created_by` of keys it makes.
 *
 * @example
 * keyOwnerId("3f2a…"); // "api_key:3f2a…"
 */
export function keyOwnerId(id: string): string {
  return `${KEY_OWNER_PREFIX}${id}`;
}

/**
 * The expiry of a key made by `parent` (null: made by a person): what was asked for, but never
 * later than the parent's own expiry, so a key cannot lengthen its life by minting another.
 *
 * @example
 * childExpiry(null, { expiresAt: 1_000 }); // 1000
 */
export function childExpiry(
  requested: number | null,
  parent: Pick<ApiKeyRow, "expiresAt"> | null,
): number | null {
  const limit = parent?.expiresAt ?? null;
  if (limit === null) return requested;
  return requested === null ? limit : Math.min(requested, limit);
}

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

/** Every key, or those of one `workspace`, newest first. */
export async function listApiKeys(db: D1Database, workspace?: string): Promise<ApiKeyRow[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE ?1 IS NULL OR workspace = ?1 ORDER BY created_at DESC`)
    .bind(workspace ?? null)
    .all<ApiKeyRow>();
  return results;
}

/** The key with this id, live or not; null when there is none. */
export async function findApiKeyById(db: D1Database, id: string): Promise<ApiKeyRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`).bind(id).first<ApiKeyRow>();
}

/**
 * The recursive step of a `doomed(id)` common table expression: starting from its seed keys,
 * the keys they made, the keys those made, and so on (UNION stops on cycles).
 */
const AND_DESCENDANTS = `UNION SELECT k.id FROM api_keys k JOIN doomed d ON k.created_by = '${KEY_OWNER_PREFIX}' || d.id`;

/**
 * Revokes a key and every key descending from it, in one statement; `workspace` limits the
 * target to that workspace (an administrator key revoking). Null when there is no such key.
 *
 * @example
 * const revoked = await revokeApiKey(env.DB, id); // { row, cascaded: ["<child id>", …] }
 */
export async function revokeApiKey(
  db: D1Database,
  id: string,
  workspace?: string,
): Promise<{ row: ApiKeyRow; cascaded: string[] } | null> {
  const { results } = await db
    .prepare(
      `WITH RECURSIVE doomed(id) AS (
         SELECT id FROM api_keys WHERE id = ?1 AND (?2 IS NULL OR workspace = ?2) ${AND_DESCENDANTS})
       UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?3)
       WHERE id IN (SELECT id FROM doomed) RETURNING ${COLUMNS}`,
    )
    .bind(id, workspace ?? null, Date.now())
    .all<ApiKeyRow>();
  const row = results.find((candidate) => candidate.id === id);
  if (!row) return null;
  return { row, cascaded: results.filter((other) => other.id !== id).map((other) => other.id) };
}

/**
 * A condition on `api_keys` matching every key `userId` made and every key descending from
 * those; the user deletion deletes them in its batch, so no key outlives its owner.
 *
 * @example
 * await orm.batch([orm.delete(apiKeys).where(keysOwnedBy(id)), orm.delete(users).where(eq(users.id, id))]);
 */
export function keysOwnedBy(userId: string): SQL {
  return sql`id IN (WITH RECURSIVE doomed(id) AS (
    SELECT id FROM api_keys WHERE created_by = ${userId} ${sql.raw(AND_DESCENDANTS)})
    SELECT id FROM doomed)`;
}
