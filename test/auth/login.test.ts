import { describe, expect, it } from "vitest";
import { BASE, bearer, call, json, login, makeUser, PASSWORD, session, uniqueName } from "./helpers";

describe("login, refresh, logout", () => {
  it("logs in, reaches a protected route, refreshes, and logs out", async () => {
    const user = await makeUser("user");
    const tokens = await login(user);
    expect(tokens).toMatchObject({ token_type: "bearer", workspace: "default", expires_in: 900 });
    expect(tokens.refresh_token).toMatch(/^rt_/);

    const me = await call("/auth/me", { headers: bearer(tokens.access_token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: { username: user.username, role: "user", workspaces: ["default"] },
    });

    const refreshed = await call("/auth/refresh", json({ refresh_token: tokens.refresh_token }));
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);

    const out = await call("/auth/logout", { method: "POST", headers: bearer(next.access_token) });
    expect(out.status).toBe(200);
    // Both access tokens of the session die with it, and so does the refresh token.
    for (const token of [tokens.access_token, next.access_token]) {
      expect((await call("/auth/me", { headers: bearer(token) })).status).toBe(401);
    }
    expect((await call("/auth/refresh", json({ refresh_token: next.refresh_token }))).status).toBe(401);
  });

  it("answers unknown users and wrong passwords identically", async () => {
    const user = await makeUser("viewer");
    const wrong = await call(
      "/auth/login",
      json({ username: user.username, password: "not-the-password-at-all" }),
    );
    const unknown = await call(
      "/auth/login",
      json({ username: uniqueName("ghost"), password: "not-the-password-at-all" }),
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = ((await wrong.json()) as { error: { code: string; message: string } }).error;
    const b = ((await unknown.json()) as { error: { code: string; message: string } }).error;
    expect({ code: a.code, message: a.message }).toEqual({ code: b.code, message: b.message });
  });

  it("refuses a disabled account even with the right password", async () => {
    const { tokens: admin } = await session("admin");
    const user = await makeUser("viewer");
    const res = await call(
      `/admin/users/${user.id}`,
      json({ disabled: true }, bearer(admin.access_token), "PATCH"),
    );
    expect(res.status).toBe(200);
    expect((await call("/auth/login", json({ username: user.username, password: PASSWORD }))).status).toBe(
      403,
    );
  });

  it("validates bodies: 422 for missing fields, 400 for broken JSON, 415 for a form", async () => {
    expect((await call("/auth/login", json({ username: "x" }))).status).toBe(422);
    const broken = await call("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{",
    });
    expect(broken.status).toBe(400);
    const form = await call("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "username=a&password=b",
    });
    expect(form.status).toBe(415);
    expect(BASE).toContain("http");
  });
});
