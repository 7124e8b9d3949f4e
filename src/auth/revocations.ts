/**
 * The revocation list of access tokens, kept cheap: D1 holds it (rows live only as long as the
 * longest access token), each isolate keeps a copy it re-reads at most every
 * REVOCATION_CACHE_SECONDS, and revocations made in this isolate apply at once. So verifying a
 * token costs no database round trip on the hot path.
 */

/** A revoked login session (`sid`); the `kind` column leaves room for other subjects later. */
export interface RevocationRow {
  kind: "session";
  subject: string;
  revokedAt: number;
  /** Epoch ms after which no access token of the session can be alive anyway. */
  expiresAt: number;
}

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

async function load(db: D1Database, now: number): Promise<Snapshot> {
  const { results } = await db
    .prepare("SELECT subject FROM token_revocations WHERE kind = 'session' AND expires_at > ?")
    .bind(now)
    .all<{ subject: string }>();
  const fresh: Snapshot = { loadedAt: now, sessions: new Set() };
  for (const row of results) remember(fresh, row.subject);
  return fresh;
}

async function current(db: D1Database, maxAgeMs: number): Promise<Snapshot> {
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
export async function isRevoked(db: D1Database, maxAgeMs: number, sessionId: string): Promise<boolean> {
  const list = await current(db, maxAgeMs);
  return list.sessions.has(sessionId);
}

/**
 * Records a revocation in D1 and in this isolate's copy.
 *
 * @example
 * await revoke(env.DB, { kind: "session", subject: sid, revokedAt: Date.now(), expiresAt: Date.now() + ttlMs });
 */
export async function revoke(db: D1Database, row: RevocationRow): Promise<void> {
  await db
    .prepare(
      `INSERT INTO token_revocations (kind, subject, revoked_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, subject) DO UPDATE SET revoked_at = max(revoked_at, excluded.revoked_at),
         expires_at = max(expires_at, excluded.expires_at)`,
    )
    .bind(row.kind, row.subject, row.revokedAt, row.expiresAt)
    .run();
  recentLocal.set(row.subject, Date.now());
  if (snapshot) remember(snapshot, row.subject);
}

/** Deletes rows no token can need any more (called from the housekeeping cron). */
export async function sweepRevocations(db: D1Database, now = Date.now()): Promise<number> {
  const result = await db.prepare("DELETE FROM token_revocations WHERE expires_at <= ?").bind(now).run();
  return result.meta.changes ?? 0;
}
