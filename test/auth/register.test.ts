import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { adminInsertSql } from "../../src/auth/bootstrap-sql";
import { hashPassword } from "../../src/auth/password";
import { registrationOpen } from "../../src/config/auth";
import {
  BOOTSTRAP_TOKEN,
  bearer,
  call,
  json,
  makeUser,
  PASSWORD,
  session,
  TEST_PARAMS,
  uniqueName,
} from "./helpers";

async function register(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call("/auth/register", json({ username: uniqueName("reg"), password: PASSWORD, ...body }, headers));
}

async function disableEveryAdmin(): Promise<void> {
  await env.DB.prepare("UPDATE users SET disabled = 1 WHERE role = 'admin'").run();
}

describe("registration and privilege escalation", () => {
  it("lets anyone register a viewer in the default workspace while registration is open", async () => {
    const res = await register({});
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      user: { role: "viewer", workspaces: ["default"], disabled: false },
    });
  });

  it("refuses a self-registered role above viewer, or chosen workspaces (403, audited)", async () => {
    for (const role of ["editor", "user", "administrator", "admin"]) {
      const res = await register({ role });
      expect(res.status, role).toBe(403);
    }
    expect((await register({ workspaces: ["secret_ws"] })).status).toBe(403);
    const { results } = await env.DB.prepare(
      "SELECT additional_data FROM audit_events WHERE event_action = 'access_denied' ORDER BY timestamp DESC LIMIT 20",
    ).all<{ additional_data: string }>();
    expect(results.some((row) => row.additional_data.includes("privilege_escalation"))).toBe(true);
  });

  it("lets an administrator create any role in any workspaces", async () => {
    const { headers } = await session("admin");
    const res = await register({ role: "editor", workspaces: ["team_x"] }, headers);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ user: { role: "user", workspaces: ["team_x"] } });
  });

  it("does not let an editor or a viewer escalate", async () => {
    const { headers } = await session("user");
    expect((await register({ role: "admin" }, headers)).status).toBe(403);
  });

  it("applies the password policy: length, common passwords, the username", async () => {
    const short = await register({ password: "short-pw" });
    expect(short.status).toBe(422);
    expect(((await short.json()) as { error: { message: string } }).error.message).toContain("at least 12");
    expect((await register({ password: "password1234" })).status).toBe(422);
    expect((await register({ password: "x".repeat(129) })).status).toBe(422);
    const name = uniqueName("selfname");
    expect((await call("/auth/register", json({ username: name, password: `${name}-pass` }))).status).toBe(
      422,
    );
  });

  it("refuses a taken username (409), whatever its case", async () => {
    const name = uniqueName("Taken");
    expect((await call("/auth/register", json({ username: name, password: PASSWORD }))).status).toBe(201);
    const again = await call("/auth/register", json({ username: name.toUpperCase(), password: PASSWORD }));
    expect(again.status).toBe(409);
  });

  it("bootstraps the first administrator with the token, once", async () => {
    const wrong = await register({}, { "X-Bootstrap-Token": "not-the-token" });
    expect(wrong.status).toBe(401);
    // Other tests created administrators; the token only works while there is none.
    expect((await register({}, { "X-Bootstrap-Token": BOOTSTRAP_TOKEN })).status).toBe(409);
    await disableEveryAdmin();
    const first = await register({}, { "X-Bootstrap-Token": BOOTSTRAP_TOKEN });
    expect(first.status).toBe(201);
    const { user } = (await first.json()) as { user: { role: string; username: string } };
    expect(user.role).toBe("admin");
    expect((await register({}, { "X-Bootstrap-Token": BOOTSTRAP_TOKEN })).status).toBe(409);
    const login = await call("/auth/login", json({ username: user.username, password: PASSWORD }));
    const { access_token: token } = (await login.json()) as { access_token: string };
    expect((await call("/admin/users", { headers: bearer(token) })).status).toBe(200);
  });
});

describe("ALLOW_REGISTRATION", () => {
  it("defaults to open in development only", () => {
    expect(registrationOpen({ NODE_ENV: "development" })).toBe(true);
    expect(registrationOpen({ NODE_ENV: "staging" })).toBe(false);
    expect(registrationOpen({ NODE_ENV: "production" })).toBe(false);
    expect(registrationOpen({ NODE_ENV: "production", ALLOW_REGISTRATION: true })).toBe(true);
  });

  it("when closed, refuses self-registration but lets administrators create accounts", async () => {
    const app = createApp();
    const closed = { ...env, ALLOW_REGISTRATION: "false" };
    const body = () => JSON.stringify({ username: uniqueName("closed"), password: PASSWORD });
    const headers = { "Content-Type": "application/json" };
    const self = await app.request("/auth/register", { method: "POST", headers, body: body() }, closed);
    expect(self.status).toBe(403);
    const { headers: admin } = await session("admin");
    const byAdmin = await app.request(
      "/auth/register",
      { method: "POST", headers: { ...headers, ...admin }, body: body() },
      closed,
    );
    expect(byAdmin.status).toBe(201);
  });

  it("when closed, answers a taken and a free username alike, so it reveals no account", async () => {
    // Open registration tells a taken name apart (409): without a second channel (e-mail) the
    // registrant must learn whether the account exists. Closed, nobody anonymous can probe.
    const app = createApp();
    const closed = { ...env, ALLOW_REGISTRATION: "false" };
    const taken = await makeUser("viewer");
    const answer = async (username: string) => {
      const res = await app.request(
        "/auth/register",
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username, password: PASSWORD }),
        },
        closed,
      );
      const body = (await res.json()) as { error: { code: string; message: string } };
      return { status: res.status, code: body.error.code, message: body.error.message };
    };
    const forTaken = await answer(taken.username);
    expect(forTaken).toEqual(await answer(uniqueName("free")));
    expect(forTaken.status).toBe(403);
    // Open: the taken name is a 409, the documented (and pinned) distinction.
    const open = await call("/auth/register", json({ username: taken.username, password: PASSWORD }));
    expect(open.status).toBe(409);
  });
});

describe("scripts/create-admin.ts SQL", () => {
  it("creates an administrator who can log in and administer", async () => {
    const username = uniqueName("cli_admin");
    const sql = adminInsertSql({
      id: crypto.randomUUID(),
      username,
      email: "cli@example.com",
      passwordHash: await hashPassword(PASSWORD, TEST_PARAMS),
      workspace: "cli_ws",
      now: Date.now(),
    });
    for (const statement of sql.split(";\n")) await env.DB.prepare(statement).run();
    const res = await call("/auth/login", json({ username, password: PASSWORD }));
    expect(res.status).toBe(200);
    const { access_token: token } = (await res.json()) as { access_token: string };
    expect((await call("/admin/users", { headers: bearer(token) })).status).toBe(200);
    expect(() =>
      adminInsertSql({
        id: "x",
        username: "a'; DROP TABLE users; --",
        email: null,
        passwordHash: "h",
        workspace: "w",
        now: 1,
      }),
    ).toThrow();
  });
});
