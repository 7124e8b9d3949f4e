import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, json, session } from "./helpers";

describe("API keys", () => {
  it("are created by administrators, shown once, stored hashed, scoped, and revocable", async () => {
    const { headers: admin } = await session("admin");
    const created = await call(
      "/admin/api-keys",
      json({ name: "ingest bot", role: "viewer", workspace: "default" }, admin),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get("Cache-Control")).toBe("no-store");
    const body = (await created.json()) as { id: string; api_key: string; prefix: string; role: string };
    expect(body.api_key).toMatch(/^lrk_/);
    expect(body.api_key.startsWith(body.prefix)).toBe(true);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(body.id)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(body.api_key);
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await call("/admin/api-keys", { headers: admin });
    expect(JSON.stringify(await listed.json())).not.toContain(body.api_key);

    const key = { "X-API-Key": body.api_key };
    expect((await call("/documents/paginated", json({}, key))).status).toBe(200);
    // A viewer key cannot write or administer.
    expect((await call("/documents/text", json({ text: "from a viewer key" }, key))).status).toBe(403);
    expect((await call("/admin/users", { headers: key })).status).toBe(403);
    expect((await call("/auth/me", { headers: key })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 50));
    const used = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?")
      .bind(body.id)
      .first<{ last_used_at: number | null }>();
    expect(used?.last_used_at).toBeGreaterThan(0);

    expect((await call(`/admin/api-keys/${body.id}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect((await call("/documents/paginated", json({}, key))).status).toBe(401);
    expect((await call("/admin/api-keys/no-such-key", { method: "DELETE", headers: admin })).status).toBe(
      404,
    );
  });

  it("only administrators manage keys", async () => {
    const { headers } = await session("user");
    const res = await call(
      "/admin/api-keys",
      json({ name: "mine", role: "admin", workspace: "default" }, headers),
    );
    expect(res.status).toBe(403);
  });

  it("expired keys stop working", async () => {
    const { headers: admin } = await session("admin");
    const created = await call(
      "/admin/api-keys",
      json({ name: "short", role: "user", workspace: "default", expires_in_days: 1 }, admin),
    );
    const { id, api_key: key } = (await created.json()) as { id: string; api_key: string };
    await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, id)
      .run();
    expect((await call("/documents/paginated", json({}, { "X-API-Key": key }))).status).toBe(401);
  });
});

describe("LightRAG's LIGHTRAG_API_KEY", () => {
  const key = { "X-API-Key": "test-lightrag-api-key-0123456789abcdef" };

  it("acts as an editor in the configured workspace, and nowhere else", async () => {
    expect((await call("/documents/paginated", json({}, key))).status).toBe(200);
    const me = (await (await call("/auth/me", { headers: key })).json()) as {
      principal: Record<string, unknown>;
    };
    expect(me.principal).toMatchObject({ role: "user", workspace: "default", via: "api_key" });
    expect((await call("/admin/users", { headers: key })).status).toBe(403);
    expect((await call("/documents", { headers: { ...key, "LIGHTRAG-WORKSPACE": "other_ws" } })).status).toBe(
      403,
    );
    expect(
      (await call("/documents", { headers: { "X-API-Key": "test-lightrag-api-key-0123456789abcdeX" } }))
        .status,
    ).toBe(401);
  });
});

describe("API keys as bearer tokens (Open WebUI, MCP clients)", () => {
  it("accept `Authorization: Bearer lrk_…` exactly like X-API-Key, and refuse it once revoked", async () => {
    const { headers: admin } = await session("admin");
    const created = await call(
      "/admin/api-keys",
      json({ name: "open webui", role: "viewer", workspace: "default" }, admin),
    );
    const { id, api_key } = (await created.json()) as { id: string; api_key: string };
    const key = { Authorization: `Bearer ${api_key}` };

    expect((await call("/documents/paginated", json({}, key))).status).toBe(200);
    const me = (await (await call("/auth/me", { headers: key })).json()) as {
      principal: Record<string, unknown>;
    };
    expect(me.principal).toMatchObject({ role: "viewer", workspace: "default", via: "api_key" });
    // Same scope as the header form: a viewer key cannot write.
    expect((await call("/documents/text", json({ text: "from a bearer key" }, key))).status).toBe(403);

    expect((await call(`/admin/api-keys/${id}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect((await call("/documents/paginated", json({}, key))).status).toBe(401);
  });

  it("refuse an unknown bearer key with 401 and never mistake a JWT for a key", async () => {
    const unknown = { Authorization: "Bearer lrk_0000000000000000000000000000000000000000" };
    const res = await call("/documents/paginated", json({}, unknown));
    expect(res.status).toBe(401);
    const { headers } = await session("viewer");
    expect((await call("/documents/paginated", json({}, headers))).status).toBe(200);
  });
});
