/**
 * `/auth/*`: register, login, refresh (rotating), logout, me, password change. Thin: parse with
 * zod, call the auth services, shape the answer.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { readJsonBody } from "../../http/json-body";
import { authFailure, authSuccess } from "../events";
import { lockoutLimits, loginClient, loginGuard } from "../lockout";
import { passwordLogin } from "../login";
import { hashPassword, paramsFromConfig, verifyPassword } from "../password";
import { acceptablePassword, normalizePassword } from "../password-policy";
import { register } from "../register";
import { requestAccounts } from "../request-accounts";
import { sessionAnswer, tokenAnswer } from "../responses";
import { loginBody, passwordChangeBody, refreshBody, registerBody } from "../schemas";
import { revokeSession, revokeUserSessions, rotateRefreshToken, startSession } from "../sessions";
import { publicUser } from "../store/users";

export const authRoutes = new Hono<AppEnv>();

authRoutes.post("/auth/register", async (c) => {
  const body = await readJsonBody(c, registerBody);
  const { user, workspaces } = await register(c, body);
  return c.json({ user: publicUser(user, workspaces) }, 201);
});

authRoutes.post("/auth/login", async (c) => {
  const body = await readJsonBody(c, loginBody);
  const result = await passwordLogin(c, body, "password");
  return c.json(
    tokenAnswer(result, result.user, await requestAccounts(c).directory.userWorkspaces(result.user.id)),
  );
});

authRoutes.post("/auth/refresh", async (c) => {
  const config = c.get("config");
  const { refresh_token: token } = await readJsonBody(c, refreshBody);
  const rotated = await rotateRefreshToken(requestAccounts(c).credentials, config, token);
  if (rotated.kind === "reused") {
    authFailure(c, "token_reuse_detected", "refresh_reuse", rotated.session.userId, {
      session_id: rotated.session.familyId,
    });
    throw new AppError(401, "unauthorized", "Refresh token already used; the session has been revoked");
  }
  if (rotated.kind === "invalid") {
    authFailure(c, "token_refresh", "refresh_invalid");
    throw new AppError(401, "unauthorized", "Invalid or expired refresh token");
  }
  const { session } = rotated;
  const user = await requestAccounts(c).directory.findUserById(session.userId);
  const stillMember =
    user !== null &&
    (user.role === "admin" || (await requestAccounts(c).directory.isMember(user.id, session.workspace)));
  if (!user || user.disabled || !stillMember) {
    await revokeSession(requestAccounts(c).credentials, config, session.familyId);
    authFailure(c, "token_refresh", user?.disabled ? "disabled" : "refresh_invalid", session.userId);
    throw new AppError(401, "unauthorized", "This session is no longer valid; please login");
  }
  authSuccess(c, "token_refresh", user.id, { session_id: session.familyId });
  return c.json(
    await sessionAnswer(c, user, {
      sessionId: session.familyId,
      authTime: session.authTime,
      workspace: session.workspace,
      refreshToken: rotated.refreshToken,
      refreshExpiresIn: rotated.expiresIn,
    }),
  );
});

authRoutes.post("/auth/logout", async (c) => {
  const principal = c.get("principal");
  if (principal?.via === "jwt" && principal.sessionId) {
    await revokeSession(requestAccounts(c).credentials, c.get("config"), principal.sessionId);
    authSuccess(c, "logout", principal.userId, { session_id: principal.sessionId });
  } else if (principal?.via === "api_key") {
    throw new AppError(400, "bad_request", "API keys have no session; an administrator revokes them");
  }
  return c.json({ status: "logged_out" });
});

authRoutes.get("/auth/me", async (c) => {
  const principal = c.get("principal");
  if (principal?.via !== "jwt") {
    return c.json({ user: null, principal: principal ?? null });
  }
  const user = await requestAccounts(c).directory.findUserById(principal.userId);
  if (!user) throw new AppError(401, "unauthorized", "This account no longer exists");
  return c.json({
    user: publicUser(user, await requestAccounts(c).directory.userWorkspaces(user.id)),
    principal,
  });
});

authRoutes.post("/auth/password", async (c) => {
  const config = c.get("config");
  const principal = jwtPrincipal(c);
  const body = await readJsonBody(c, passwordChangeBody);
  const user = await requestAccounts(c).directory.findUserById(principal.userId);
  if (!user) throw new AppError(401, "unauthorized", "This account no longer exists");
  if (!(await verifyPassword(normalizePassword(body.current_password), user.passwordHash))) {
    await loginGuard(c.env, user.username).failure(await loginClient(c), lockoutLimits(config), Date.now());
    authFailure(c, "password_change", "bad_credentials", user.id);
    throw new AppError(401, "unauthorized", "Incorrect credentials");
  }
  const password = acceptablePassword(body.new_password, user.username, "new_password");
  await requestAccounts(c).directory.setPasswordHash(
    user.id,
    await hashPassword(password, paramsFromConfig(config)),
  );
  // Every other session may belong to whoever knew the old password.
  await revokeUserSessions(requestAccounts(c).credentials, config, user.id);
  const session = await startSession(requestAccounts(c).credentials, config, user.id, principal.workspace);
  authSuccess(c, "password_changed", user.id, { session_id: session.sessionId });
  return c.json(
    await sessionAnswer(c, user, {
      sessionId: session.sessionId,
      authTime: session.authTime,
      workspace: principal.workspace,
      refreshToken: session.refreshToken,
      refreshExpiresIn: session.expiresIn,
    }),
  );
});

function jwtPrincipal(c: Context<AppEnv>) {
  const principal = c.get("principal");
  if (principal?.via !== "jwt") {
    throw new AppError(400, "bad_request", "Only a logged-in user can change a password");
  }
  return principal;
}
