/** An official MCP client connected over HTTP to the running worker (SELF.fetch as its fetch). */
import { SELF } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * Connects (initialize + initialized) to `origin/mcp` with extra request headers.
 *
 * @example
 * const client = await connectMcp("http://x", { "LIGHTRAG-WORKSPACE": "mcp_ws" });
 */
export async function connectMcp(
  origin: string,
  headers: Record<string, string> = {},
  fetch: FetchLike = (url, init) => SELF.fetch(url, init),
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
    requestInit: { headers },
    fetch,
  });
  const client = new Client({ name: "lightrag-edge-tests", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** Calls a tool and returns its result (tool errors included, as `isError`). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}
