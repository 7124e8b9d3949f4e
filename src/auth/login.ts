/**
 * The password login shared by `POST /auth/login` and LightRAG's `POST /login`: lockout check
 * (per address prefix, or per device cookie for a browser that logged in before), constant-work
 * verification (a dummy hash for unknown users, the same 401 for both), a new device cookie,
 * re-hash when the parameters changed, workspace choice, then a session and an access token.
 */
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../http/errors";
import { auditUsername } from "./audit-username";
import { giveDevice, newDevice } from "./device-cookie";
import { accessDenied, authFailure, authSuccess } from "./events";
import { lockedError, lockoutLimits, loginClient, loginGuard } from "./lockout";
import { hashPassword, needsRehash, paramsFromConfig, verifyDummy, verifyPassword } from "./password";
import { MAX_PASSWORD_LENGTH, normalizePassword } from "./password-policy";
import { requestAccounts } from "./request-accounts";
import { startSession } from "./sessions";
import { normalizeUsername, type UserRow } from "./store/users";
import { issueAccessToken } from "./tokens";

export interface LoginResult {
  user: UserRow;
  workspace: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  sessionId: string;
}

const INCORRECT = "Incorrect credentials";

/**
 * Checks a username and password and opens a session.
 *
 * @example
 * const result = await passwordLogin(c, { username: "ann", password: "…" }, "password");
 */
export async function passwordLogin(
  c: Context<AppEnv>,
  input: { username: string; password: string; workspace?: string | undefined },
  method: string,
): Promise<LoginResult> {
  const config = c.get("config");
  const limits = lockoutLimits(config);
  const username = normalizeUsername(input.username);
  const guard = loginGuard(c.env, username);
  const user = await requestAccounts(c).directory.findUserByUsername(username);
  // An unknown "username" may be a password typed into the wrong field: only its keyed hash is audited.
  const named = await auditUsername(config, username, user !== null);
  const attempt = await guard.begin(await loginClient(c), limits, Date.now());
  if (!attempt.ticket) {
    authFailure(c, "login_blocked", "locked", user?.id ?? null, {
      ...named,
      scope: attempt.status.scope,
      login_method: method,
    });
    throw lockedError(attempt.status);
  }
  const params = paramsFromConfig(config);
  // Over-long input is refused after the same work as any other failure, never earlier.
  const password = normalizePassword(input.password).slice(0, MAX_PASSWORD_LENGTH * 4);
  const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyDummy(password, params);
  if (!user || !ok) {
    const after = await guard.fail(attempt.ticket, limits, Date.now());
    authFailure(c, "login_failure", "bad_credentials", user?.id ?? null, { ...named, login_method: method });
    if (after.locked) {
      authFailure(c, "lockout", "locked", user?.id ?? null, {
        ...named,
        scope: after.scope,
        retry_after: after.retryAfterSeconds,
      });
    }
    throw new AppError(401, "unauthorized", INCORRECT);
  }
  if (user.disabled) {
    // The right password is no guess: refunded, but a disabled account gets no device cookie.
    await guard.succeed(attempt.ticket, undefined, limits, Date.now());
    authFailure(c, "login_failure", "disabled", user.id, { username, login_method: method });
    throw new AppError(403, "forbidden", "This account is disabled");
  }
  const device = await newDevice(Date.now());
  await guard.succeed(attempt.ticket, { hash: device.hash, expiresAt: device.expiresAt }, limits, Date.now());
  giveDevice(c, device.value);
  if (needsRehash(user.passwordHash, params)) {
    await requestAccounts(c).directory.setPasswordHash(user.id, await hashPassword(password, params));
    authSuccess(c, "password_rehashed", user.id, { ln: params.ln, r: params.r, p: params.p });
  }
  const workspace = await chooseWorkspace(c, user, input.workspace);
  const session = await startSession(requestAccounts(c).credentials, config, user.id, workspace);
  const access = await issueAccessToken(config, {
    userId: user.id,
    username: user.username,
    role: user.role,
    workspace,
    sessionId: session.sessionId,
    authTime: session.authTime,
  });
  await requestAccounts(c).directory.touchLogin(user.id);
  authSuccess(c, "login_success", user.id, {
    login_method: method,
    workspace,
    session_id: session.sessionId,
  });
  return {
    user,
    workspace,
    accessToken: access.token,
    expiresIn: access.expiresIn,
    refreshToken: session.refreshToken,
    refreshExpiresIn: session.expiresIn,
    sessionId: session.sessionId,
  };
}

/**
 * The workspace of a new session: the one asked for (a member's, or any for administrators),
 * else the configured default when the user belongs to it, else their first workspace.
 */
export async function chooseWorkspace(
  c: Context<AppEnv>,
  user: UserRow,
  requested: string | undefined,
): Promise<string> {
  const config = c.get("config");
  const own = await requestAccounts(c).directory.userWorkspaces(user.id);
  if (requested !== undefined) {
    if (user.role === "admin" || own.includes(requested)) return requested;
    accessDenied(c, { reason: "not_a_member", workspace: requested, user_id: user.id });
    throw new AppError(403, "forbidden", `Not a member of workspace ${requested}`);
  }
  if (user.role === "admin" || own.includes(config.WORKSPACE)) return config.WORKSPACE;
  const first = own[0];
  if (first === undefined) {
    accessDenied(c, { reason: "no_workspace", user_id: user.id });
    throw new AppError(403, "forbidden", "This account is not a member of any workspace");
  }
  return first;
}
