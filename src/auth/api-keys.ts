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
import {
  AND_DESCENDANTS,
  type ApiKeyRow,
  type CredentialSource,
  credentialStore,
  KEY_OWNER_PREFIX,
} from "./store/credentials";

export type { ApiKeyRow };

export const API_KEY_PREFIX = "lrk_";
/** How many leading characters of a key are kept in clear to tell keys apart. */
const SHOWN_PREFIX_LENGTH = 10;
/** Last-use writes are skipped when the recorded one is this recent: a busy key costs one write a minute. */
const LAST_USED_RESOLUTION_MS = 60_000;

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
  db: CredentialSource,
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
  await credentialStore(db).insertApiKey(row, await sha256Hex(key));
  return { key, row };
}

/** The live key matching `key`, or null (unknown, revoked or expired). */
export async function findApiKey(db: CredentialSource, key: string): Promise<ApiKeyRow | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) return null;
  const row = await credentialStore(db).findApiKeyByHash(await sha256Hex(key));
  if (!row || row.revokedAt !== null) return null;
  if (row.expiresAt !== null && row.expiresAt <= Date.now()) return null;
  return row;
}

/** Records a use, at most once a minute per key; meant for `waitUntil`. */
export async function recordApiKeyUse(db: CredentialSource, row: ApiKeyRow): Promise<void> {
  const now = Date.now();
  if (row.lastUsedAt !== null && now - row.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
  await credentialStore(db).touchApiKey(row.id, now);
}

/** Every key, or those of one `workspace`, newest first. */
export async function listApiKeys(db: CredentialSource, workspace?: string): Promise<ApiKeyRow[]> {
  return credentialStore(db).listApiKeys(workspace);
}

/** The key with this id, live or not; null when there is none. */
export async function findApiKeyById(db: CredentialSource, id: string): Promise<ApiKeyRow | null> {
  return credentialStore(db).findApiKeyById(id);
}

/**
 * Revokes a key and every key descending from it, in one statement; `workspace` limits the
 * target to that workspace (an administrator key revoking). Null when there is no such key.
 *
 * @example
 * const revoked = await revokeApiKey(env.DB, id); // { row, cascaded: ["<child id>", …] }
 */
export async function revokeApiKey(
  db: CredentialSource,
  id: string,
  workspace?: string,
): Promise<{ row: ApiKeyRow; cascaded: string[] } | null> {
  const results = await credentialStore(db).revokeApiKeyTree(id, workspace, Date.now());
  const row = results.find((candidate) => candidate.id === id);
  if (!row) return null;
  return { row, cascaded: results.filter((other) => other.id !== id).map((other) => other.id) };
}

/**
 * Revokes every live key `userId` made and, transitively, the keys those made: a key acts for an
 * enabled administrator, so disabling or demoting its creator ends it. Returns the revoked ids.
 *
 * @example
 * const revoked = await revokeKeysOfUser(accounts.credentials, user.id); // ["<key id>", …]
 */
export async function revokeKeysOfUser(db: CredentialSource, userId: string): Promise<string[]> {
  const rows = await credentialStore(db).revokeKeysOfUser(userId, Date.now());
  return rows.map((row) => row.id);
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
