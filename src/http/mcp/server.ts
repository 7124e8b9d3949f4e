/**
 * The MCP server of one HTTP request (stateless: every request gets its own server, so any
 * isolate can answer any request and no session outlives it). Tools run inside the Hono
 * request: the same principal, workspace, audit and services as the REST routes; a tool's
 * failure is an MCP tool error (`isError`), an unknown tool a JSON-RPC error.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import { z } from "zod";
import { accessDenied } from "../../auth/events";
import { hasRole } from "../../auth/roles";
import { spendRateLimit } from "../../ratelimit/middleware";
import { SERVICE_VERSION } from "../../version";
import type { AppEnv } from "../app-env";
import { toAppError } from "../error-handler";
import { AppError } from "../errors";
import { parseInput } from "../json-body";
import { assertGateOpen, assertWritable } from "../middleware/flag-guard";
import { MCP_TOOLS, type McpTool } from "./tools";

const INSTRUCTIONS =
  "A LightRAG knowledge base (graph RAG). Ask questions with `query` (mode `mix` by default); " +
  "look at what retrieval finds with `query_data`, `search_labels` and `get_graph`; manage " +
  "documents with `insert_text`, `list_documents`, `document_status` and `delete_documents` " +
  "(writes need the editor role). Everything acts in the workspace of the credentials or of " +
  "the LIGHTRAG-WORKSPACE header.";

/**
 * A tool's JSON schema: the input side of its zod schema (defaults optional, transforms
 * ignored), as MCP's `inputSchema`.
 */
function inputSchemaOf(schema: z.ZodType): Tool["inputSchema"] {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const { $schema: _dialect, ...rest } = json;
  return { ...rest, type: "object" } as Tool["inputSchema"];
}

/** The tool list, built once per isolate: the schemas never change at runtime. */
let listed: Tool[] | undefined;
export function listTools(): Tool[] {
  listed ??= MCP_TOOLS.map((tool) => ({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: inputSchemaOf(tool.schema),
    annotations: {
      title: tool.title,
      readOnlyHint: tool.write === undefined,
      destructiveHint: tool.name === "delete_documents",
      openWorldHint: false,
    },
  }));
  return listed;
}

/** The editor role for write tools: refused (audited as REST refuses it) for a viewer. */
function requireEditor(c: Context<AppEnv>, tool: McpTool): void {
  const principal = c.get("principal");
  if (principal && hasRole(principal.role, "user")) return;
  accessDenied(c, { reason: "role", role: principal?.role ?? null, required: "user", tool: tool.name });
  throw new AppError(403, "forbidden", `The ${tool.name} tool needs the editor (user) role`);
}

function failure(c: Context<AppEnv>, tool: McpTool, thrown: unknown): CallToolResult {
  const error = toAppError(thrown);
  if (error.code === "internal_error" && !(thrown instanceof AppError)) {
    const cause = thrown instanceof Error ? thrown : new Error(String(thrown));
    c.get("logger").error("mcp tool failed", { tool: tool.name, error: cause.message, stack: cause.stack });
  }
  const details = error.details === undefined ? "" : `\n${JSON.stringify(error.details)}`;
  return {
    isError: true,
    content: [{ type: "text", text: `${error.code} (${error.status}): ${error.message}${details}` }],
    structuredContent: { error: { code: error.code, status: error.status, message: error.message } },
  };
}

/** Runs one tool call with the checks its REST route gets from the middleware, in the same order. */
async function callTool(c: Context<AppEnv>, tool: McpTool, args: unknown): Promise<CallToolResult> {
  try {
    if (tool.write) requireEditor(c, tool);
    if (tool.gate) assertGateOpen(c, tool.gate);
    if (tool.write) assertWritable(c, tool.write.gate);
    if (tool.rate) await spendRateLimit(c, tool.rate);
    const input = parseInput(tool.schema, args ?? {}, `Invalid arguments for ${tool.name}`);
    const output = await tool.run(c, input);
    return {
      content: [{ type: "text", text: output.text ?? JSON.stringify(output.data) }],
      structuredContent: output.data,
    };
  } catch (thrown) {
    return failure(c, tool, thrown);
  }
}

/**
 * A server answering `initialize`, `tools/list` and `tools/call` for request `c`.
 *
 * @example
 * const server = createMcpServer(c);
 * await server.connect(transport);
 */
export function createMcpServer(c: Context<AppEnv>): Server {
  const server = new Server(
    { name: "lightrag-edge", title: "LightRAG on Cloudflare Workers", version: SERVICE_VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listTools() }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = MCP_TOOLS.find((candidate) => candidate.name === request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    return callTool(c, tool, request.params.arguments);
  });
  return server;
}
