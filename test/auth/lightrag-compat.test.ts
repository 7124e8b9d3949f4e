import { describe, expect, it } from "vitest";
import { configurationMismatches } from "../foundation/lightrag-health-shape";
import { bearer, call, makeUser, PASSWORD, session } from "./helpers";

function form(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

describe("LightRAG compatibility (auth on)", () => {
  it("POST /login takes the OAuth2 password form and answers LightRAG's fields", async () => {
    const user = await makeUser("user");
    const res = await call(
      "/login",
      form({ username: user.username, password: PASSWORD, grant_type: "password" }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: "bearer",
      auth_mode: "enabled",
      core_version: "1.5.7",
      api_version: "0329",
    });
    expect(typeof body.webui_title).toBe("string");
    expect(
      (
        await call("/documents/paginated", {
          method: "POST",
          headers: { ...bearer(String(body.access_token)), "Content-Type": "application/json" },
          body: "{}",
        })
      ).status,
    ).toBe(200);
  });

  it("POST /login also takes multipart, refuses bad credentials with 401 and missing fields with 422", async () => {
    const user = await makeUser("viewer");
    const data = new FormData();
    data.set("username", user.username);
    data.set("password", PASSWORD);
    expect((await call("/login", { method: "POST", body: data })).status).toBe(200);
    const wrong = await call("/login", form({ username: user.username, password: "wrong-password-here" }));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(
      "Incorrect credentials",
    );
    expect((await call("/login", form({ username: user.username }))).status).toBe(422);
  });

  it("GET /auth-status says auth is configured and hands out no token", async () => {
    const res = await call("/auth-status");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ auth_configured: true, auth_mode: "enabled", core_version: "1.5.7" });
    expect(body.access_token).toBeUndefined();
  });

  it("publishes an empty JWKS for HS256 (its key is secret)", async () => {
    const res = await call("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ keys: [] });
  });
});

describe("GET /health with accounts on", () => {
  it("shows configuration and flags to authenticated callers only", async () => {
    const anonymous = (await (await call("/health")).json()) as Record<string, unknown>;
    expect(anonymous.auth_mode).toBe("enabled");
    expect(anonymous.configuration).toBeUndefined();
    const { headers } = await session("viewer");
    const known = (await (await call("/health", { headers })).json()) as Record<string, unknown>;
    expect(configurationMismatches(known.configuration)).toEqual([]);
    expect(known.flags).toBeDefined();
  });
});
