import { base64url, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { bearer, call, json, makeUser, PASSWORD, session, TEST_SECRET } from "./helpers";

const secret = new TextEncoder().encode(TEST_SECRET);

/** A token with the right shape, signed as the test asks. */
async function forge(
  options: {
    key?: Uint8Array;
    alg?: string;
    issuer?: string;
    audience?: string;
    expiresAt?: number;
    claims?: Record<string, unknown>;
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    username: "mallory",
    role: "admin",
    ws: "default",
    sid: crypto.randomUUID(),
    auth_time: Date.now(),
    typ: "access",
    ...options.claims,
  })
    .setProtectedHeader({ alg: options.alg ?? "HS256", typ: "JWT" })
    .setSubject("mallory-id")
    .setIssuer(options.issuer ?? "lightrag-edge")
    .setAudience(options.audience ?? "lightrag-edge-api")
    .setJti(crypto.randomUUID())
    .setIssuedAt(now - 10)
    .setExpirationTime(options.expiresAt ?? now + 600)
    .sign(options.key ?? secret);
}

async function status(
  token: string,
  path = "/admin/workspaces",
): Promise<{ status: number; message: string }> {
  const res = await call(path, { headers: bearer(token) });
  const body = (await res.json()) as { error?: { message: string } };
  return { status: res.status, message: body.error?.message ?? "" };
}

describe("access token attacks", () => {
  it("accepts a correctly forged token (the control: the forger here knows the secret)", async () => {
    expect((await status(await forge())).status).toBe(200);
  });

  it("refuses alg none", async () => {
    const valid = await forge();
    const [, payload] = valid.split(".");
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    expect((await status(`${header}.${payload}.`)).status).toBe(401);
    expect((await status(`${header}.${payload}`)).status).toBe(401);
  });

  it("refuses a token signed with another key", async () => {
    const other = new TextEncoder().encode("another-secret-of-at-least-32-characters!!");
    expect(await status(await forge({ key: other }))).toEqual({ status: 401, message: "Invalid token" });
  });

  it("refuses another algorithm with the right secret (algorithm pinned)", async () => {
    expect((await status(await forge({ alg: "HS512" }))).status).toBe(401);
  });

  it("refuses an expired token with its own message", async () => {
    const past = Math.floor(Date.now() / 1000) - 120;
    expect(await status(await forge({ expiresAt: past }))).toEqual({ status: 401, message: "Token expired" });
  });

  it("refuses the wrong audience or issuer", async () => {
    expect((await status(await forge({ audience: "someone-else" }))).status).toBe(401);
    expect((await status(await forge({ issuer: "https://evil.example" }))).status).toBe(401);
  });

  it("refuses a tampered payload (viewer promoted to admin)", async () => {
    const { tokens } = await session("viewer");
    const [header, payload, signature] = tokens.access_token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? "")));
    expect(claims.role).toBe("viewer");
    const promoted = base64url.encode(JSON.stringify({ ...claims, role: "admin" }));
    expect((await status(`${header}.${promoted}.${signature}`, "/admin/users")).status).toBe(401);
    expect((await status(tokens.access_token, "/admin/users")).status).toBe(403);
  });

  it("refuses tokens of the wrong type, role or shape, and LightRAG guest tokens", async () => {
    expect((await status(await forge({ claims: { typ: "refresh" } }))).status).toBe(401);
    expect((await status(await forge({ claims: { role: "superuser" } }))).status).toBe(401);
    expect((await status(await forge({ claims: { ws: "../other" } }))).status).toBe(401);
    expect(
      (await status(await forge({ claims: { role: "guest", metadata: { auth_mode: "disabled" } } }))).status,
    ).toBe(401);
  });

  it("answers 401 for missing or garbage Authorization headers on protected routes", async () => {
    const missing = await call("/auth/me");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    for (const value of [
      "",
      "Bearer",
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      "Bearer a.b.c",
      "Bearer ..",
      "token xyz",
      "Bearer ðŸ”‘",
    ]) {
      const res = await call("/auth/me", { headers: { Authorization: value } });
      expect(res.status, `Authorization: ${value}`).toBe(401);
    }
    expect((await call("/auth/me", { headers: { "X-API-Key": "lrk_not-a-real-key" } })).status).toBe(401);
  });

  it("ignores bad credentials on public routes instead of locking people out of them", async () => {
    const headers = { Authorization: "Bearer garbage" };
    expect((await call("/health/live", { headers })).status).toBe(200);
    expect((await call("/auth-status", { headers })).status).toBe(200);
  });

  it("runs a public route once when a stale token comes along (failures are not counted twice)", async () => {
    const user = await makeUser("viewer");
    const headers = { Authorization: "Bearer stale.token.here", "CF-Connecting-IP": "192.0.2.77" };
    for (let i = 0; i < 4; i++) {
      const res = await call(
        "/auth/login",
        json({ username: user.username, password: "wrong-password-guess" }, headers),
      );
      expect(res.status).toBe(401);
    }
    const good = await call("/auth/login", json({ username: user.username, password: PASSWORD }, headers));
    expect(good.status).toBe(200);
  });
});
