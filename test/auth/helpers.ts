/** Helpers of the auth tests: requests through the real Worker, users made through the real store. */
import { env, SELF } from "cloudflare:test";
import { hashPassword } from "../../src/auth/password";
import type { Role } from "../../src/auth/principal";
import { createUser } from "../../src/auth/store/users";

export const BASE = "http://auth.test";
export const PASSWORD = "a-Long-and-unusual-passphrase-42";
/** Matches vitest.config.ts AUTH_TEST_VARS. */
export const TEST_SECRET = "test-secret-key-of-at-least-32-characters!";
export const BOOTSTRAP_TOKEN = "test-bootstrap-token-0123456789abcdef";
/** The test project's cost: log2 N = 6, r = 8, p = 1 (vitest.config.ts). */
export const TEST_PARAMS = { ln: 6, r: 8, p: 1 };

let counter = 0;
/** A username no other test uses (Durable Objects and D1 persist across tests of a file). */
export function uniqueName(prefix = "user"): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}_${counter}_${Math.random().toString(36).slice(2, 6)}`;
}

export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, init);
}

export function json(body: unknown, headers: Record<string, string> = {}, method = "POST"): RequestInit {
  return { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${token}`, ...extra };
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  role: Role;
}

/** Inserts a user with the test hash cost straight through the store (fast and real). */
export async function makeUser(
  role: Role,
  workspaces: string[] = ["default"],
  prefix: string = role,
): Promise<TestUser> {
  const username = uniqueName(prefix);
  const user = await createUser(env.DB, {
    username,
    passwordHash: await hashPassword(PASSWORD, TEST_PARAMS),
    role,
    workspaces,
  });
  return { id: user.id, username: user.username, password: PASSWORD, role };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  workspace: string;
  expires_in: number;
}

/** Logs in through `POST /auth/login`; throws when the login is refused. */
export async function login(
  user: { username: string; password: string },
  workspace?: string,
): Promise<Tokens> {
  const res = await call(
    "/auth/login",
    json({ username: user.username, password: user.password, workspace }),
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A user of `role` in `workspaces`, logged in to the first of them. */
export async function session(role: Role, workspaces: string[] = ["default"]) {
  const user = await makeUser(role, workspaces);
  const tokens = await login(user, workspaces[0]);
  return { user, tokens, headers: bearer(tokens.access_token) };
}
