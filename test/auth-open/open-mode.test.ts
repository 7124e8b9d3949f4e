/** AUTH_ENABLED=false (the local [vars]): LightRAG's open mode with a guest token. */
import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";

describe("open mode (AUTH_ENABLED=false)", () => {
  it("GET /auth-status hands out LightRAG's guest token", async () => {
    const res = await SELF.fetch("http://x/auth-status");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ auth_configured: false, auth_mode: "disabled", token_type: "bearer" });
    const claims = decodeJwt(String(body.access_token));
    expect(claims).toMatchObject({ sub: "guest", role: "guest", metadata: { auth_mode: "disabled" } });
  });

  it("POST /login answers the guest token whatever the form says", async () => {
    const res = await SELF.fetch("http://x/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "username=anyone&password=anything",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      auth_mode: "disabled",
      message: expect.stringContaining("guest"),
    });
  });

  it("every caller is a guest administrator in the header's workspace", async () => {
    const res = await SELF.fetch("http://x/auth/me", { headers: { "LIGHTRAG-WORKSPACE": "open_ws" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      principal: { userId: "guest", role: "admin", workspace: "open_ws", via: "open" },
    });
    expect((await SELF.fetch("http://x/admin/users")).status).toBe(200);
  });

  it("still refuses a malformed workspace header", async () => {
    const res = await SELF.fetch("http://x/auth/me", { headers: { "LIGHTRAG-WORKSPACE": "../etc" } });
    expect(res.status).toBe(400);
  });
});
