/** JSON shapes of token answers shared by /auth/login, /auth/refresh, /auth/password and /login. */
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { requestAccounts } from "./request-accounts";
import { publicUser, type UserRow } from "./store/users";
import { issueAccessToken } from "./tokens";

export interface TokenPair {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  workspace: string;
}

/** OAuth2-style token answer plus the user and the session's workspace. */
export function tokenAnswer(pair: TokenPair, user: UserRow, workspaces: string[]) {
  return {
    access_token: pair.accessToken,
    token_type: "bearer" as const,
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
    refresh_expires_in: pair.refreshExpiresIn,
    workspace: pair.workspace,
    user: publicUser(user, workspaces),
  };
}

/** A session's identity and its newest refresh token, as refresh and password change hold them. */
export interface SessionTokens {
  sessionId: string;
  authTime: number;
  workspace: string;
  refreshToken: string;
  refreshExpiresIn: number;
}

/**
 * Signs an access token for `user` in `session` (with the user's current role) and shapes the answer.
 *
 * @example
 * return c.json(await sessionAnswer(c, user, { sessionId, authTime, workspace, refreshToken, refreshExpiresIn }));
 */
export async function sessionAnswer(c: Context<AppEnv>, user: UserRow, session: SessionTokens) {
  const access = await issueAccessToken(c.get("config"), {
    userId: user.id,
    username: user.username,
    role: user.role,
    workspace: session.workspace,
    sessionId: session.sessionId,
    authTime: session.authTime,
  });
  const pair = {
    accessToken: access.token,
    expiresIn: access.expiresIn,
    refreshToken: session.refreshToken,
    refreshExpiresIn: session.refreshExpiresIn,
    workspace: session.workspace,
  };
  return tokenAnswer(pair, user, await requestAccounts(c).directory.userWorkspaces(user.id));
}
