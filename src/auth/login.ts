/**
 * The password login shared by `POST /auth/login` and LightRAG's `POST /login`: lockout check,
 * constant-work verification (a dummy hash for unknown users, the same 401 for both), re-hash
 * when the parameters changed, workspace choice, then a session and an access token.
 */
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../http/errors";
import { accessDenied, authFailure, authSuccess } from "./events";
import { lockedError, lockoutLimits, loginGuard } from "./lockout";
import { hashPassword, needsRehash, paramsFromConfig, verifyDummy, verifyPassword } from "./password";
import { MAX_PASSWORD_LENGTH, normalizePassword } from "./password-policy";
import { startSession } from "./sessions";
import {
  findUserByUsername,
  normalizeUsername,
  setPasswordHash,
  touchLogin,
  type UserRow,
  userWorkspaces,
} from "./store/users";
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
  const username = normalizeUsername(input.username);
  const address = c.get("clientIp") ?? "unknown";
  const guard = loginGuard(c.env, username);
  const lock = await guard.status(address, Date.now());
  if (lock.locked) {
    authFailure(c, "login_blocked", "locked", null, { username, scope: lock.scope, login_method: method });
    throw lockedError(lock);
  }
  const params = paramsFromConfig(config);
  // Over-long input is refused after the same work as any other failure, never earlier.
  const password = normalizePassword(input.password).slice(0, MAX_PASSWORD_LENGTH * 4);
  const user = await findUserByUsername(c.env.DB, username);
  const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyDummy(password, params);
  if (!user || !ok) {
    const after = await guard.failure(address, lockoutLimits(config), Date.now());
    authFailure(c, "login_failure", "bad_credentials", user?.id ?? null, { username, login_method: method });
    if (after.locked) {
      authFailure(c, "lockout", "locked", user?.id ?? null, {
        username,
        scope: after.scope,
        retry_after: after.retryAfterSeconds,
      });
    }
    throw new AppError(401, "unauthorized", INCORRECT);
  }
  if (user.disabled) {
    authFailure(c, "login_failure", "disabled", user.id, { username, login_method: method });
    throw new AppError(403, "forbidden", "This account is disabled");
  }
  await guard.success(address);
  if (needsRehash(user.passwordHash, params)) {
    await setPasswordHash(c.env.DB, user.id, await hashPassword(password, params));
    authSuccess(c, "password_rehashed", user.id, { ln: params.ln, r: params.r, p: params.p });
  }
  const workspace = await chooseWorkspace(c, user, input.workspace);
  const session = await startSession(c.env.DB, config, user.id, workspace);
  const access = await issueAccessToken(config, {
    userId: user.id,
    username: user.username,
    role: user.role,
    workspace,
    sessionId: session.sessionId,
    authTime: session.authTime,
  });
  await touchLogin(c.env.DB, user.id);
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
  const own = await userWorkspaces(c.env.DB, user.id);
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
