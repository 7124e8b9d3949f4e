/**
 * `/mcp`: the MCP server over Streamable HTTP (stateless, JSON responses). Every POST builds a
 * server and a transport for itself, so any isolate can answer and nothing outlives the
 * request; GET (a server-to-client event stream) and DELETE (ending a session) have nothing to
 * serve without sessions and answer 405, as the specification allows. The route is gated by
 * MCP_SERVER_ENABLED and open to viewers; each write tool checks the editor role itself.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { createMcpServer } from "../mcp/server";

function noSessions(): never {
  throw new AppError(
    405,
    "method_not_allowed",
    "This MCP server is stateless: POST JSON-RPC messages to /mcp",
    {
      headers: { Allow: "POST" },
    },
  );
}

/**
 * The specification's defence against DNS rebinding: a browser's request from an origin that is
 * neither this service nor one of CORS_ORIGINS is refused (403). Clients outside a browser send
 * no Origin.
 */
function assertOriginAllowed(c: Context<AppEnv>): void {
  const origin = c.req.header("Origin");
  if (origin === undefined) return;
  const allowed = c.get("config").CORS_ORIGINS;
  if (allowed.includes("*") || allowed.includes(origin) || origin === new URL(c.req.url).origin) return;
  throw new AppError(403, "forbidden", `Origin ${origin} may not use the MCP server (CORS_ORIGINS)`);
}

export const mcpRoutes = new Hono<AppEnv>();

mcpRoutes.post("/mcp", async (c) => {
  assertOriginAllowed(c);
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json(
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: ErrorCode.ParseError, message: "Parse error: invalid JSON" },
      },
      400,
    );
  }
  const server = createMcpServer(c);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(c.req.raw, { parsedBody: body });
  } finally {
    // JSON mode: the answer is complete once handleRequest returns.
    await server.close();
  }
});

mcpRoutes.get("/mcp", noSessions);
mcpRoutes.delete("/mcp", noSessions);
