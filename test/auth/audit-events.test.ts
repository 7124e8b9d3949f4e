import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { readAggregate } from "../../src/observability/metrics-client";
import { bearer, call, json, login, makeUser, session } from "./helpers";

async function actions(userId: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT event_action FROM audit_events WHERE user_id = ? OR additional_data LIKE ? ORDER BY timestamp",
  )
    .bind(userId, `%${userId}%`)
    .all<{ event_action: string }>();
  return results.map((row) => row.event_action);
}

async function failures(reason: string): Promise<number> {
  const { samples } = await readAggregate(env as unknown as Env);
  return samples.get(`lightrag_auth_failures_total{reason="${reason}"}`) ?? 0;
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("every auth event is audited and failures are counted", () => {
  it("records login, refresh, logout, failures, denials and admin changes", async () => {
    const { headers: admin } = await session("admin");
    const badBefore = await failures("bad_credentials");
    const user = await makeUser("viewer");
    await call("/auth/login", json({ username: user.username, password: "wrong-password-here" }));
    const tokens = await login(user);
    await call("/auth/refresh", json({ refresh_token: tokens.refresh_token }));
    await call("/documents/text", json({ text: "not allowed" }, bearer(tokens.access_token)));
    await call(`/admin/users/${user.id}`, json({ role: "editor" }, admin, "PATCH"));
    await call(`/admin/users/${user.id}/unlock`, { method: "POST", headers: admin });
    const again = await login(user);
    await call("/auth/logout", { method: "POST", headers: bearer(again.access_token) });
    const expected = [
      "login_failure",
      "login_success",
      "token_refresh",
      "access_denied",
      "role_changed",
      "account_unlocked",
      "logout",
    ];
    await eventually(async () => {
      const list = await actions(user.id);
      return expected.every((action) => list.includes(action));
    });
    expect(await actions(user.id)).toEqual(expect.arrayContaining(expected));
    await eventually(async () => (await failures("bad_credentials")) > badBefore);
    expect(await failures("bad_credentials")).toBeGreaterThan(badBefore);
  });

  it("never writes a password or token into the audit table", async () => {
    const user = await makeUser("viewer");
    const tokens = await login(user);
    await call("/auth/logout", { method: "POST", headers: bearer(tokens.access_token) });
    const { results } = await env.DB.prepare("SELECT * FROM audit_events").all();
    const text = JSON.stringify(results);
    expect(text).not.toContain(user.password);
    expect(text).not.toContain(tokens.access_token);
    expect(text).not.toContain(tokens.refresh_token);
  });
});
