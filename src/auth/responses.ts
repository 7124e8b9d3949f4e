/** JSON shapes of token answers shared by /auth/login, /auth/refresh, /auth/password and /login. */
import { publicUser, type UserRow } from "./store/users";

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
