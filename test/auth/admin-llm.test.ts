/** `/admin/llm/*` with accounts on: administrators only, and usage scoped to the admin's workspace. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { D1UsageStore } from "../../src/storage/d1/llm-usage";
import { call, session } from "./helpers";

describe("admin LLM routes with auth enabled", () => {
  it("refuses anonymous callers (401) and non-administrators (403)", async () => {
    expect((await call("/admin/llm/usage")).status).toBe(401);
    const { headers } = await session("user");
    expect((await call("/admin/llm/usage", { headers })).status).toBe(403);
    expect((await call("/admin/llm/status", { headers })).status).toBe(403);
  });

  it("shows an administrator the usage of their own workspace only", async () => {
    const store = new D1UsageStore(env.DB);
    const event = {
      role: "extract",
      provider: "openai",
      model: "m",
      promptTokens: 7,
      completionTokens: 3,
      outcome: "call" as const,
    };
    await store.record({ ...event, workspace: "llm_admin_ws" });
    await store.record({ ...event, workspace: "llm_other_ws" });
    const { headers } = await session("admin", ["llm_admin_ws"]);
    const response = await call("/admin/llm/usage", {
      headers: { ...headers, "LIGHTRAG-WORKSPACE": "llm_admin_ws" },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { workspace: string; usage: { workspace: string }[] };
    expect(body.workspace).toBe("llm_admin_ws");
    expect(body.usage.map((row) => row.workspace)).toEqual(["llm_admin_ws"]);
  });
});
