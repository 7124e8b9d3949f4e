/**
 * Access tokens (jose JWTs): short-lived, algorithm pinned, `iss`/`aud`/`exp`/`typ` checked.
 * Claims: `sub` (user id), `username`, `role`, `ws` (workspace), `sid` (login session =
 * refresh-token family), `auth_time`, `jti`, `typ: "access"`, and LightRAG's `metadata.auth_mode`.
 */
import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Config } from "../config";
import { WORKSPACE_PATTERN } from "../config/server";
import { AppError } from "../http/errors";
import type { Role } from "./principal";
import { signingKeys } from "./signing-keys";

export const ACCESS_TOKEN_TYPE = "access";
/** Clock skew tolerated between Workers locations. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** LightRAG rejects longer subjects; so do we. */
const MAX_SUBJECT_LENGTH = 256;

export interface AccessClaims {
  sub: string;
  username: string;
  role: Role;
  ws: string;
  sid: string;
  jti: string;
  /** Seconds since the epoch when the password was checked for this session. */
  auth_time: number;
  iat: number;
  exp: number;
}

export interface IssueInput {
  userId: string;
  username: string;
  role: Role;
  workspace: string;
  sessionId: string;
  authTime: number;
}

/**
 * Signs an access token for `input`.
 *
 * @example
 * const { token, expiresIn } = await issueAccessToken(config, { userId, username, role, workspace, sessionId, authTime });
 */
export async function issueAccessToken(
  config: Config,
  input: IssueInput,
): Promise<{ token: string; expiresIn: number; jti: string }> {
  const keys = await signingKeys(config);
  const jti = crypto.randomUUID();
  const token = await new SignJWT({
    username: input.username,
    role: input.role,
    ws: input.workspace,
    sid: input.sessionId,
    auth_time: input.authTime,
    typ: ACCESS_TOKEN_TYPE,
    metadata: { auth_mode: "enabled" },
  })
    .setProtectedHeader({ alg: keys.algorithm, typ: "JWT", ...(keys.kid ? { kid: keys.kid } : {}) })
    .setSubject(input.userId)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime(`${config.ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(keys.signingKey);
  return { token, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS, jti };
}

/** LightRAG's guest token for open mode (`sub: "guest"`, `role: "guest"`); never accepted with auth on. */
export async function issueGuestToken(config: Config): Promise<string> {
  const keys = await signingKeys(config);
  return new SignJWT({ role: "guest", typ: ACCESS_TOKEN_TYPE, metadata: { auth_mode: "disabled" } })
    .setProtectedHeader({ alg: keys.algorithm, typ: "JWT", ...(keys.kid ? { kid: keys.kid } : {}) })
    .setSubject("guest")
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${config.GUEST_TOKEN_TTL_SECONDS}s`)
    .sign(keys.signingKey);
}

/** Why a token was refused, for the failure metric and the audit record. */
export type TokenFailure = "expired" | "invalid";

export class TokenError extends AppError {
  readonly reason: TokenFailure;
  constructor(reason: TokenFailure) {
    super(401, "unauthorized", reason === "expired" ? "Token expired" : "Invalid token", {
      headers: { "WWW-Authenticate": `Bearer error="invalid_token"` },
    });
    this.reason = reason;
  }
}

/**
 * Verifies signature, algorithm, issuer, audience, expiry and the claim shapes; throws a 401
 * `TokenError` otherwise. Needs no I/O (revocation is checked by the caller from its cache).
 */
export async function verifyAccessToken(config: Config, token: string): Promise<AccessClaims> {
  const keys = await signingKeys(config);
  let payload: JWTPayload;
  try {
    const verified = await jwtVerify(token, keys.verificationKey as Uint8Array, {
      algorithms: [keys.algorithm],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["sub", "jti", "exp", "iat"],
    });
    payload = verified.payload;
  } catch (error) {
    throw new TokenError(error instanceof errors.JWTExpired ? "expired" : "invalid");
  }
  const claims = accessClaims(payload);
  if (!claims) throw new TokenError("invalid");
  return claims;
}

const ROLES = new Set<string>(["viewer", "user", "admin"]);

function accessClaims(payload: JWTPayload): AccessClaims | null {
  const {
    sub,
    username,
    role,
    ws,
    sid,
    jti,
    auth_time: authTime,
    iat,
    exp,
    typ,
  } = payload as Record<string, unknown>;
  if (typ !== ACCESS_TOKEN_TYPE) return null;
  if (typeof sub !== "string" || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH || sub === "guest")
    return null;
  if (typeof role !== "string" || !ROLES.has(role)) return null;
  if (typeof ws !== "string" || !WORKSPACE_PATTERN.test(ws)) return null;
  if (typeof sid !== "string" || typeof jti !== "string" || typeof username !== "string") return null;
  if (typeof authTime !== "number" || typeof iat !== "number" || typeof exp !== "number") return null;
  return { sub, username, role: role as Role, ws, sid, jti, auth_time: authTime, iat, exp };
}
