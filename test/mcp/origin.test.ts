/** MCP's DNS-rebinding rule: a browser origin outside CORS_ORIGINS (and not the service's own) is refused. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { send } from "../ratelimit/helpers";

const testEnv = { ...env, MCP_SERVER_ENABLED: "true", CORS_ORIGINS: "https://app.example.com" } as Env;

function initialize(origin?: string): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/json, text/event-stream",
  };
  if (origin) headers.Origin = origin;
  return send(testEnv, "/mcp", {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    }),
  });
}

describe("MCP Origin check", () => {
  it("refuses a foreign browser origin, serves listed, same-origin and non-browser clients", async () => {
    const foreign = await initialize("https://evil.example.net");
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toMatch(/Origin https:\/\/evil\.example\.net may not use the MCP server/);
    expect((await initialize("https://app.example.com")).status).toBe(200);
    expect((await initialize("http://x")).status).toBe(200);
    expect((await initialize()).status).toBe(200);
  });
});
