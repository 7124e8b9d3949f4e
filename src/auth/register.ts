/**
 * Account creation for `POST /auth/register`: who may create which role. Anyone may create a
 * viewer while registration is open; a higher role, other workspaces, or any account while
 * registration is closed need an administrator's token. The very first administrator is
 * created with `X-Bootstrap-Token: $ADMIN_BOOTSTRAP_TOKEN`, which works only while no enabled
 * administrator exists.
 */
import type { Context } from "hono";
import { registrationOpen } from "../config/auth";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../http/errors";
import { isGlobalAdministrator } from "./admin-scope";
import { constantTimeEqual } from "./encoding";
import { accessDenied, authFailure, authSuccess } from "./events";
import { hashPassword, paramsFromConfig } from "./password";
import { acceptablePassword } from "./password-policy";
import type { Role } from "./principal";
import { requestAccounts } from "./request-accounts";
import type { UserRow } from "./store/users";

export const BOOTSTRAP_HEADER = "X-Bootstrap-Token";

export interface RegisterInput {
  username: string;
  password: string;
  email?: string | undefined;
  role?: Role | undefined;
  workspaces?: string[] | undefined;
}

/** Creates an account if the caller may; returns it with its workspaces. */
export async function register(
  c: Context<AppEnv>,
  input: RegisterInput,
): Promise<{ user: UserRow; workspaces: string[] }> {
  const config = c.get("config");
  const principal = c.get("principal");
  // Accounts span workspaces: only a person with the administrator role, never an API key.
  const byAdmin = isGlobalAdministrator(principal);
  const bootstrap = byAdmin ? false : await bootstrapAllowed(c);
  const role = input.role ?? (bootstrap ? "admin" : "viewer");
  const privileged = byAdmin || bootstrap;
  if (!privileged) {
    if (role !== "viewer" || input.workspaces !== undefined) {
      accessDenied(c, {
        reason: "privilege_escalation",
        requested_role: role,
        workspaces: input.workspaces ?? null,
      });
      throw new AppError(
        403,
        "forbidden",
        "Only an administrator can create accounts with this role or these workspaces",
      );
    }
    if (!registrationOpen(config)) {
      accessDenied(c, { reason: "registration_closed" });
      throw new AppError(
        403,
        "forbidden",
        "Self-registration is closed; ask an administrator for an account",
      );
    }
  }
  const password = acceptablePassword(input.password, input.username);
  const workspaces = input.workspaces ?? [config.WORKSPACE];
  const user = await requestAccounts(c).directory.createUser({
    username: input.username,
    email: input.email ?? null,
    passwordHash: await hashPassword(password, paramsFromConfig(config)),
    role,
    workspaces,
  });
  authSuccess(c, "register", user.id, {
    username: user.username,
    role,
    workspaces,
    created_by: byAdmin ? (principal?.userId ?? null) : bootstrap ? "bootstrap_token" : "self",
  });
  return { user, workspaces };
}

/** True when the request carries the right bootstrap token and no enabled administrator exists yet. */
async function bootstrapAllowed(c: Context<AppEnv>): Promise<boolean> {
  const presented = c.req.header(BOOTSTRAP_HEADER);
  if (presented === undefined) return false;
  const expected = c.get("config").ADMIN_BOOTSTRAP_TOKEN;
  const encoder = new TextEncoder();
  const matches =
    expected !== undefined && constantTimeEqual(encoder.encode(presented), encoder.encode(expected));
  if (!matches) {
    authFailure(c, "bootstrap_refused", "bootstrap_refused", null, {
      detail: "wrong or unset bootstrap token",
    });
    throw new AppError(401, "unauthorized", "Invalid bootstrap token");
  }
  if ((await requestAccounts(c).directory.countActiveAdmins()) > 0) {
    authFailure(c, "bootstrap_refused", "bootstrap_refused", null, {
      detail: "an administrator already exists",
    });
    throw new AppError(409, "conflict", "An administrator already exists; the bootstrap token is spent");
  }
  return true;
}
