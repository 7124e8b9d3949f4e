/**
 * Rate limits of MCP tool calls: every request to /mcp counts against its own class
 * (`default`), and each tool call also spends the class of the REST route it stands for, so
 * MCP is no way around the query or ingest budget.
 */
import { describe, expect, it } from "vitest";
import { limitedEnv, send, uniqueIp } from "../ratelimit/helpers";
import { callTool, connectMcp, textOf } from "./helpers";

describe("MCP rate limits", { timeout: 30_000 }, () => {
  it("spends the query class per query tool call, not per read tool call", async () => {
    const testEnv = limitedEnv({ MCP_SERVER_ENABLED: "true", RATE_LIMIT_QUERY_LIMIT: "2" });
    const ip = uniqueIp();
    const client = await connectMcp(
      "http://x",
      { "CF-Connecting-IP": ip, "LIGHTRAG-WORKSPACE": "mcp_rl" },
      (url, init) => send(testEnv, new URL(url).pathname, init),
    );
    for (let i = 0; i < 2; i++) {
      const ok = await callTool(client, "query_data", { query: "Who is Ada?", mode: "naive" });
      expect(ok.isError, textOf(ok)).toBeFalsy();
    }
    const limited = await callTool(client, "query_data", { query: "Who is Ada?", mode: "naive" });
    expect(limited.isError).toBe(true);
    expect(textOf(limited)).toMatch(/rate_limited \(429\): Too many requests/);
    const read = await callTool(client, "list_documents", {});
    expect(read.isError).toBeFalsy();
    await client.close();
  });
});
