import { env } from "cloudflare:test";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { sweepAuthTables } from "../../src/auth/jobs";
import { bearer, call, json, login, makeUser, PASSWORD, session, TEST_SECRET } from "./helpers";

async function refresh(token: string): Promise<Response> {
  return call("/auth/refresh", json({ refresh_token: token }));
}

describe("refresh tokens and sessions", () => {
  it("rotates on every use; a reused refresh token revokes the whole family (audited)", async () => {
    const user = await makeUser("viewer");
    const first = await login(user);
    const second = (await (await refresh(first.refresh_token)).json()) as {
      refresh_token: string;
      access_token: string;
    };
    // Someone replays the first token (stolen copy): refused, and the family dies.
    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(401);
    expect((await refresh(second.refresh_token)).status).toBe(401);
    expect((await call("/auth/me", { headers: bearer(second.access_token) })).status).toBe(401);
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_events WHERE event_action = 'token_reuse_detected' AND user_id = ?",
    )
      .bind(user.id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);
    // A fresh login still works: only that family was revoked.
    expect((await login(user)).access_token).toBeTruthy();
  });

  it("stores refresh tokens only as hashes and refuses garbage", async () => {
    const user = await makeUser("viewer");
    const tokens = await login(user);
    const row = await env.DB.prepare("SELECT token_hash FROM refresh_tokens WHERE user_id = ?")
      .bind(user.id)
      .first<{ token_hash: string }>();
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.token_hash).not.toContain(tokens.refresh_token);
    expect((await refresh("rt_not-a-real-token")).status).toBe(401);
    expect((await refresh("garbage")).status).toBe(401);
  });

  it("refuses an expired refresh token", async () => {
    const user = await makeUser("viewer");
    const tokens = await login(user);
    await env.DB.prepare("UPDATE refresh_tokens SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1, user.id)
      .run();
    expect((await refresh(tokens.refresh_token)).status).toBe(401);
  });

  it("a role change or removal from the workspace ends the user's sessions at once", async () => {
    const { headers: admin } = await session("admin");
    const user = await makeUser("user");
    const tokens = await login(user);
    expect((await call("/auth/me", { headers: bearer(tokens.access_token) })).status).toBe(200);
    const demote = await call(`/admin/users/${user.id}`, json({ role: "viewer" }, admin, "PATCH"));
    expect(demote.status).toBe(200);
    expect((await call("/auth/me", { headers: bearer(tokens.access_token) })).status).toBe(401);
    expect((await refresh(tokens.refresh_token)).status).toBe(401);
    const again = await login(user);
    const claims = JSON.parse(
      atob(again.access_token.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? ""),
    );
    expect(claims).toMatchObject({
      role: "viewer",
      ws: "default",
      typ: "access",
      iss: "lightrag-edge",
      aud: "lightrag-edge-api",
    });
    const removed = await call(`/admin/workspaces/default/members/${user.id}`, {
      method: "DELETE",
      headers: admin,
    });
    expect(removed.status).toBe(200);
    expect((await call("/auth/me", { headers: bearer(again.access_token) })).status).toBe(401);
    expect((await call("/auth/login", json({ username: user.username, password: PASSWORD }))).status).toBe(
      403,
    );
  });

  it("changes a password: old sessions end, the old password stops working, the new one works", async () => {
    const user = await makeUser("viewer");
    const old = await login(user);
    const next = "another-Long-and-unusual-passphrase-7";
    const wrong = await call(
      "/auth/password",
      json({ current_password: "nope-nope-nope", new_password: next }, bearer(old.access_token)),
    );
    expect(wrong.status).toBe(401);
    const weak = await call(
      "/auth/password",
      json({ current_password: PASSWORD, new_password: "short" }, bearer(old.access_token)),
    );
    expect(weak.status).toBe(422);
    const changed = await call(
      "/auth/password",
      json({ current_password: PASSWORD, new_password: next }, bearer(old.access_token)),
    );
    expect(changed.status).toBe(200);
    const fresh = (await changed.json()) as { access_token: string };
    expect((await call("/auth/me", { headers: bearer(old.access_token) })).status).toBe(401);
    expect((await call("/auth/me", { headers: bearer(fresh.access_token) })).status).toBe(200);
    expect((await call("/auth/login", json({ username: user.username, password: PASSWORD }))).status).toBe(
      401,
    );
    expect((await login({ username: user.username, password: next })).access_token).toBeTruthy();
  });

  it("renews an access token past half its life in X-New-Token, within the same session", async () => {
    const user = await makeUser("viewer");
    const tokens = await login(user);
    const claims = JSON.parse(
      atob(tokens.access_token.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? ""),
    );
    const now = Math.floor(Date.now() / 1000);
    const aging = await new SignJWT({ ...claims, iat: now - 800, exp: now + 100 })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode(TEST_SECRET));
    const res = await call("/auth/me", { headers: bearer(aging) });
    expect(res.status).toBe(200);
    const renewed = res.headers.get("X-New-Token");
    expect(renewed).toBeTruthy();
    const fresh = await call("/auth/me", { headers: bearer(renewed ?? "") });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("X-New-Token")).toBeNull();
    // Logging out ends renewed tokens too: they share the session.
    await call("/auth/logout", { method: "POST", headers: bearer(renewed ?? "") });
    expect((await call("/auth/me", { headers: bearer(aging) })).status).toBe(401);
  });
});

describe("housekeeping", () => {
  it("sweeps expired revocations and refresh tokens, keeps live ones", async () => {
    const user = await makeUser("viewer");
    const tokens = await login(user);
    await call("/auth/logout", { method: "POST", headers: bearer(tokens.access_token) });
    const count = async (table: string) =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;
    expect(await sweepAuthTables(env.DB)).toEqual({ revocations: 0, refreshTokens: 0 });
    const far = Date.now() + 40 * 24 * 60 * 60 * 1000;
    const before = { revocations: await count("token_revocations"), refresh: await count("refresh_tokens") };
    const swept = await sweepAuthTables(env.DB, far);
    expect(swept.revocations).toBe(before.revocations);
    expect(swept.refreshTokens).toBe(before.refresh);
  });
});
