/**
 * Login sessions: each password login starts a family of opaque refresh tokens (stored as
 * SHA-256, rotated on every use). Presenting a token that was already used means it was
 * copied: the whole family is revoked, with the access tokens of the session.
 */
import type { Config } from "../config";
import { randomToken, sha256Hex } from "./encoding";
import { revoke } from "./revocations";
import { type CredentialSource, credentialStore, type SessionRow } from "./store/credentials";

export const REFRESH_TOKEN_PREFIX = "rt_";
/** Slack after an access token's expiry during which its session stays on the revocation list. */
const REVOCATION_SLACK_MS = 60_000;

export type { SessionRow };

export interface IssuedRefresh {
  sessionId: string;
  refreshToken: string;
  /** Epoch ms of the password check that started the session. */
  authTime: number;
  /** Seconds until the refresh token (and so the session) ends. */
  expiresIn: number;
}

async function insertToken(db: CredentialSource, session: Omit<SessionRow, "id">): Promise<string> {
  const token = randomToken(REFRESH_TOKEN_PREFIX);
  await credentialStore(db).insertRefreshToken({
    id: crypto.randomUUID(),
    tokenHash: await sha256Hex(token),
    ...session,
    createdAt: Date.now(),
  });
  return token;
}

/**
 * Starts a session after a password check.
 *
 * @example
 * const { sessionId, refreshToken } = await startSession(env.DB, config, user.id, "default");
 */
export async function startSession(
  db: CredentialSource,
  config: Config,
  userId: string,
  workspace: string,
): Promise<IssuedRefresh> {
  const authTime = Date.now();
  const familyId = crypto.randomUUID();
  const expiresAt = authTime + config.REFRESH_TOKEN_TTL_SECONDS * 1000;
  const refreshToken = await insertToken(db, { familyId, userId, workspace, authTime, expiresAt });
  return { sessionId: familyId, refreshToken, authTime, expiresIn: config.REFRESH_TOKEN_TTL_SECONDS };
}

export type RotateResult =
  | { kind: "rotated"; session: SessionRow; refreshToken: string; expiresIn: number }
  | { kind: "reused"; session: SessionRow }
  | { kind: "invalid" };

/**
 * Exchanges a refresh token for the next one of its family. Exactly one caller can use a
 * token (conditional update); any later use revokes the family.
 */
export async function rotateRefreshToken(
  db: CredentialSource,
  config: Config,
  token: string,
): Promise<RotateResult> {
  if (!token.startsWith(REFRESH_TOKEN_PREFIX)) return { kind: "invalid" };
  const hash = await sha256Hex(token);
  const now = Date.now();
  const won = await credentialStore(db).claimRefreshToken(hash, now);
  if (won) {
    const next = {
      familyId: won.familyId,
      userId: won.userId,
      workspace: won.workspace,
      authTime: won.authTime,
      expiresAt: won.expiresAt,
    };
    const refreshToken = await insertToken(db, next);
    return {
      kind: "rotated",
      session: won,
      refreshToken,
      expiresIn: Math.max(1, Math.floor((won.expiresAt - now) / 1000)),
    };
  }
  const known = await credentialStore(db).findRefreshToken(hash);
  if (known?.usedAt) {
    await revokeSession(db, config, known.familyId);
    return { kind: "reused", session: known };
  }
  return { kind: "invalid" };
}

/** Ends a session: its refresh tokens stop working and its access tokens are refused at once. */
export async function revokeSession(db: CredentialSource, config: Config, sessionId: string): Promise<void> {
  const now = Date.now();
  await credentialStore(db).revokeRefreshFamily(sessionId, now);
  await revoke(db, {
    kind: "session",
    subject: sessionId,
    revokedAt: now,
    expiresAt: now + config.ACCESS_TOKEN_TTL_SECONDS * 1000 + REVOCATION_SLACK_MS,
  });
}

/**
 * Ends every live session of a user (password change, disable, delete, role or membership
 * change), except `keep` when given. Returns how many were ended.
 */
export async function revokeUserSessions(
  db: CredentialSource,
  config: Config,
  userId: string,
  keep?: string,
): Promise<number> {
  const families = (await credentialStore(db).liveFamilies(userId, Date.now())).filter((id) => id !== keep);
  for (const familyId of families) await revokeSession(db, config, familyId);
  return families.length;
}
