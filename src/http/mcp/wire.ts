/**
 * The wire of `POST /mcp` as zod schemas, for the OpenAPI description: a JSON-RPC 2.0 message
 * (or batch) in, a JSON-RPC response (or batch) out, or 202 with no body for notifications.
 * The SDK's transport does the real validation; these only describe it.
 */
import { z } from "zod";

const jsonRpcId = z.union([z.string(), z.number().int()]);

/** A JSON-RPC request or notification (`initialize`, `tools/list`, `tools/call`, `notifications/initialized`, …). */
export const mcpJsonRpcMessageSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: jsonRpcId.optional().describe("Absent on notifications"),
  method: z.string().describe("initialize, tools/list, tools/call, ping, notifications/initialized"),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** `POST /mcp` body: one message or a batch. */
export const mcpRequestSchema = z.union([mcpJsonRpcMessageSchema, z.array(mcpJsonRpcMessageSchema).min(1)]);

/** A JSON-RPC result or error response. */
export const mcpJsonRpcResponseSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: jsonRpcId.nullable(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }).optional(),
});

/** `POST /mcp` 200 answer (JSON, never a stream: the server runs stateless with JSON responses). */
export const mcpResponseSchema = z.union([mcpJsonRpcResponseSchema, z.array(mcpJsonRpcResponseSchema)]);
