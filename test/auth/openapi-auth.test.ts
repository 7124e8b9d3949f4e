/**
 * The API reference with accounts switched on: the sign-in flows, the caller's own routes and
 * the refusals of protected routes answer what /openapi.json documents.
 */
import { describe, expect, it } from "vitest";
import { conforms } from "../openapi-conformance";
import { bearer, call, json, makeUser, PASSWORD, session, uniqueName } from "./helpers";

describe("auth flows match their documented schemas", () => {
  it("register, login, me, refresh, password change, logout", async () => {
    const username = uniqueName("docs");
    await conforms(
      "POST /auth/register",
      await call("/auth/register", json({ username, password: PASSWORD })),
      201,
    );
    const tokens = (await conforms(
      "POST /auth/login",
      await call("/auth/login", json({ username, password: PASSWORD })),
      200,
    )) as { access_token: string; refresh_token: string };
    await conforms("GET /auth/me", await call("/auth/me", { headers: bearer(tokens.access_token) }), 200);
    const refreshed = (await conforms(
      "POST /auth/refresh",
      await call("/auth/refresh", json({ refresh_token: tokens.refresh_token })),
      200,
    )) as { access_token: string };
    // The rotated-away token again: refused with the envelope.
    await conforms(
      "POST /auth/refresh",
      await call("/auth/refresh", json({ refresh_token: tokens.refresh_token })),
      401,
    );
    const user = await makeUser("viewer");
    const own = (await conforms(
      "POST /auth/login",
      await call("/auth/login", json({ username: user.username, password: PASSWORD })),
      200,
    )) as { access_token: string };
    const changed = (await conforms(
      "POST /auth/password",
      await call(
        "/auth/password",
        json(
          { current_password: PASSWORD, new_password: "another-Long-and-unusual-passphrase-43" },
          bearer(own.access_token),
        ),
      ),
      200,
    )) as { access_token: string };
    await conforms(
      "POST /auth/logout",
      await call("/auth/logout", json({}, bearer(changed.access_token))),
      200,
    );
    expect(refreshed.access_token).not.toBe("");
  });

  it("LightRAG's login form, auth status and the signed-in health", async () => {
    const user = await makeUser("user");
    await conforms("GET /auth-status", await call("/auth-status"), 200);
    const form = new URLSearchParams({ username: user.username, password: PASSWORD });
    const answer = (await conforms(
      "POST /login",
      await call("/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      }),
      200,
    )) as { access_token: string };
    const health = (await conforms(
      "GET /health",
      await call("/health", { headers: bearer(answer.access_token) }),
    )) as {
      configuration?: unknown;
    };
    expect(health.configuration).toBeDefined();
    await conforms("GET /health", await call("/health"));
    await conforms("GET /.well-known/jwks.json", await call("/.well-known/jwks.json"), 200);
  });

  it("the reference itself is public with accounts on", async () => {
    await conforms("GET /openapi.json", await call("/openapi.json"), 200);
    await conforms("GET /docs", await call("/docs?theme=light"), 200);
  });

  it("refusals are the documented error envelope", async () => {
    await conforms("GET /graphs", await call("/graphs?label=x"), 401);
    const viewer = await session("viewer");
    await conforms(
      "POST /documents/text",
      await call("/documents/text", json({ text: "hello" }, viewer.headers)),
      403,
    );
    await conforms("GET /admin/users", await call("/admin/users", { headers: viewer.headers }), 403);
    await conforms(
      "POST /auth/login",
      await call("/auth/login", json({ username: "nobody", password: "x" })),
      401,
    );
  });
});
