/**
 * The revocation list of access tokens, kept cheap: D1 holds it (rows live only as long as the
 * longest access token), each isolate keeps a copy it re-reads at most every
 * REVOCATION_CACHE_SECONDS, and revocations made in this isolate apply at once. So verifying a
 * token costs no database round trip on the hot path.
 */

import { type CredentialSource, credentialStore, type RevocationRow } from "./store/credentials";

export type { RevocationRow };

interface Snapshot {
  loadedAt: number;
  sessions: Set<string>;
}

let snapshot: Snapshot | undefined;
/** Revocations made by this isolate, by time, so a read already in flight cannot drop them. */
const recentLocal = new Map<string, number>();

function remember(target: Snapshot, subject: string): void {
  target.sessions.add(subject);
}

async function load(db: CredentialSource, now: number): Promise<Snapshot> {
  const subjects = await credentialStore(db).revokedSessions(now);
  const fresh: Snapshot = { loadedAt: now, sessions: new Set() };
  for (const subject of subjects) remember(fresh, subject);
  return fresh;
}

async function current(db: CredentialSource, maxAgeMs: number): Promise<Snapshot> {
  const now = Date.now();
  if (snapshot && now - snapshot.loadedAt < maxAgeMs) return snapshot;
  // Each request reads for itself: workerd forbids awaiting another request's I/O promise.
  const fresh = await load(db, now);
  // Revocations recorded locally while the read was in flight must not be lost.
  for (const [subject, at] of recentLocal) {
    if (at >= fresh.loadedAt - maxAgeMs) remember(fresh, subject);
    else recentLocal.delete(subject);
  }
  snapshot = fresh;
  return fresh;
}

/**
 * True when login session `sessionId` was revoked (logout, refresh reuse, password change,
 * disabled or deleted user, role or membership change).
 *
 * @example
 * if (await isRevoked(env.DB, 30_000, claims.sid)) throw new TokenError("invalid");
 */
export async function isRevoked(db: CredentialSource, maxAgeMs: number, sessionId: string): Promise<boolean> {
  const list = await current(db, maxAgeMs);
  return list.sessions.has(sessionId);
}

/**
 * Records a revocation in D1 and in this isolate's copy.
 *
 * @example
 * await revoke(env.DB, { kind: "session", subject: sid, revokedAt: Date.now(), expiresAt: Date.now() + ttlMs });
 */
export async function revoke(db: CredentialSource, row: RevocationRow): Promise<void> {
  await credentialStore(db).upsertRevocation(row);
  recentLocal.set(row.subject, Date.now());
  if (snapshot) remember(snapshot, row.subject);
}

/** Deletes rows no token can need any more (called from the housekeeping cron). */
export async function sweepRevocations(db: CredentialSource, now = Date.now()): Promise<number> {
  return credentialStore(db).sweepRevocations(now);
}
