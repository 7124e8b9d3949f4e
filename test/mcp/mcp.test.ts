/**
 * The MCP server over Streamable HTTP, driven by the official TypeScript client through the
 * running worker: initialize, the tool list and schemas, every tool on real data, errors as MCP
 * errors, and the MCP_SERVER_ENABLED switch at runtime.
 */
import { SELF } from "cloudflare:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetCachedFlags } from "../../src/flags";
import { MCP_TOOLS } from "../../src/http/mcp/tools";
import { deleteDocumentsSchema } from "../../src/http/routes/documents-admin";
import { insertTextSchema } from "../../src/http/routes/documents-insert";
import { documentsPaginatedSchema } from "../../src/http/routes/documents-read";
import { graphQuerySchema, labelSearchSchema } from "../../src/http/routes/graph";
import { queryRequestSchema } from "../../src/http/routes/query-request";
import { waitFor } from "../documents/helpers";
import { callTool, connectMcp, textOf } from "./helpers";

const ORIGIN = "http://mcp.test";
const WS = "mcp_tools";

async function putFlags(body: Record<string, boolean | null>) {
  const res = await SELF.fetch(`${ORIGIN}/admin/flags`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

function postMcp(body: unknown) {
  return SELF.fetch(`${ORIGIN}/mcp`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
    body: JSON.stringify(body),
  });
}

describe("MCP tool schemas", () => {
  it("are the very zod schemas the REST routes validate with", () => {
    const schemaOf = (name: string) => MCP_TOOLS.find((tool) => tool.name === name)?.schema;
    expect(schemaOf("query")).toBe(queryRequestSchema);
    expect(schemaOf("query_data")).toBe(queryRequestSchema);
    expect(schemaOf("insert_text")).toBe(insertTextSchema);
    expect(schemaOf("list_documents")).toBe(documentsPaginatedSchema);
    expect(schemaOf("delete_documents")).toBe(deleteDocumentsSchema);
    expect(schemaOf("search_labels")).toBe(labelSearchSchema);
    expect(schemaOf("get_graph")).toBe(graphQuerySchema);
  });
});

describe("MCP_SERVER_ENABLED", () => {
  it("answers 503 while off (the default) and serves once switched on at runtime", async () => {
    const off = await postMcp(initialize);
    expect(off.status).toBe(503);
    expect(await off.text()).toMatch(/MCP_SERVER_ENABLED/);
    await putFlags({ MCP_SERVER_ENABLED: true });
    const on = await postMcp(initialize);
    expect(on.status).toBe(200);
    expect(on.headers.get("content-type")).toMatch(/application\/json/);
    expect(on.headers.get("mcp-session-id")).toBeNull();
    await putFlags({ MCP_SERVER_ENABLED: null });
    forgetCachedFlags();
  });
});

describe("MCP server", { timeout: 90_000 }, () => {
  let client: Client;

  beforeAll(async () => {
    await putFlags({ MCP_SERVER_ENABLED: true });
    client = await connectMcp(ORIGIN, { "LIGHTRAG-WORKSPACE": WS });
  });

  afterAll(async () => {
    await client?.close();
    await putFlags({ MCP_SERVER_ENABLED: null });
    forgetCachedFlags();
  });

  it("initializes with the tools capability and server info", () => {
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    expect(client.getServerVersion()?.name).toBe("lightrag-edge");
    expect(client.getInstructions()).toMatch(/query/);
  });

  it("lists every tool with a description and the route's JSON schema", async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName).sort()).toEqual([
      "delete_documents",
      "document_status",
      "get_graph",
      "insert_text",
      "list_documents",
      "query",
      "query_data",
      "search_labels",
    ]);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe("object");
    }
    const query = byName.query?.inputSchema;
    expect(query?.required).toEqual(["query"]);
    expect(query?.properties?.mode).toMatchObject({
      enum: ["local", "global", "hybrid", "naive", "mix", "bypass", "ppr"],
      default: "mix",
    });
    expect(byName.insert_text?.inputSchema.required).toEqual(["text"]);
    expect(byName.delete_documents?.inputSchema.required).toEqual(["doc_ids"]);
    expect(byName.get_graph?.inputSchema.properties).toHaveProperty("max_nodes");
    expect(byName.get_graph?.inputSchema.properties).toHaveProperty("max_depth");
    expect(byName.insert_text?.annotations?.readOnlyHint).toBe(false);
    expect(byName.query?.annotations?.readOnlyHint).toBe(true);
  });

  it("inserts a text, answers queries and graph reads over it, then deletes it", async () => {
    const inserted = await callTool(client, "insert_text", {
      text: "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.",
      file_source: "ada.txt",
    });
    expect(inserted.isError).toBeFalsy();
    const trackId = String(inserted.structuredContent?.track_id);
    expect(inserted.structuredContent).toMatchObject({ status: "success" });
    expect(trackId).toMatch(/^insert_/);

    const status = await waitFor(async () => {
      const result = await callTool(client, "document_status", { track_id: trackId });
      const summary = result.structuredContent?.status_summary as Record<string, number>;
      return summary.processed === 1 ? result : undefined;
    }, 30_000);
    const docs = status.structuredContent?.documents as { id: string; file_path: string }[];
    expect(docs.map((doc) => doc.file_path)).toEqual(["ada.txt"]);
    const docId = docs[0]?.id as string;

    const byIds = await callTool(client, "document_status", { doc_ids: [docId, "doc-missing"] });
    expect(byIds.structuredContent).toMatchObject({
      documents: [{ id: docId, status: "processed" }],
      not_found: ["doc-missing"],
    });

    const listed = await callTool(client, "list_documents", { page_size: 10 });
    expect(listed.structuredContent).toMatchObject({
      documents: [{ id: docId, status: "processed" }],
      pagination: { total_count: 1 },
      status_counts: { processed: 1 },
    });

    for (const mode of ["local", "global", "hybrid", "naive", "mix", "bypass", "ppr"]) {
      const answer = await callTool(client, "query", { query: "Who worked with Charles Babbage?", mode });
      expect(answer.isError, `${mode}: ${textOf(answer)}`).toBeFalsy();
      expect(typeof answer.structuredContent?.response, mode).toBe("string");
      if (mode !== "bypass") {
        expect(answer.structuredContent?.references, mode).toEqual([
          { reference_id: "1", file_path: "ada.txt" },
        ]);
        expect(textOf(answer), mode).toMatch(/References:\n\[1\] ada\.txt/);
      }
    }

    const data = await callTool(client, "query_data", { query: "Charles Babbage", mode: "local" });
    expect(data.structuredContent).toMatchObject({ status: "success", metadata: { query_mode: "local" } });
    const entities = (data.structuredContent as { data: { entities: { entity_name: string }[] } }).data
      .entities;
    expect(entities.map((e) => e.entity_name)).toContain("Charles Babbage");

    const labels = await callTool(client, "search_labels", { q: "babbage" });
    expect(labels.structuredContent?.labels).toContain("Charles Babbage");

    const graph = await callTool(client, "get_graph", {
      label: "Charles Babbage",
      max_depth: 1,
      max_nodes: 2,
    });
    const kg = graph.structuredContent as {
      nodes: { id: string }[];
      edges: unknown[];
      is_truncated: boolean;
    };
    expect(kg.nodes[0]?.id).toBe("Charles Babbage");
    expect(kg.nodes).toHaveLength(2);
    expect(kg.is_truncated).toBe(true);

    const deleted = await callTool(client, "delete_documents", { doc_ids: [docId] });
    expect(deleted.structuredContent).toMatchObject({ status: "deletion_started", doc_id: docId });
    await waitFor(async () => {
      const result = await callTool(client, "list_documents", {});
      return (
        (result.structuredContent as { pagination: { total_count: number } }).pagination.total_count === 0
      );
    }, 30_000);
  });

  it("answers bad arguments with a tool error naming the field", async () => {
    const short = await callTool(client, "query", { query: "hi" });
    expect(short.isError).toBe(true);
    expect(textOf(short)).toMatch(/validation_error.*Invalid arguments for query/);
    expect(textOf(short)).toMatch(/at least 3 characters/);
    const badMode = await callTool(client, "query", { query: "Who is Ada?", mode: "everything" });
    expect(badMode.isError).toBe(true);
    expect(textOf(badMode)).toMatch(/"field":"mode"/);
    const none = await callTool(client, "document_status", {});
    expect(none.isError).toBe(true);
    expect(textOf(none)).toMatch(/exactly one of track_id or doc_ids/);
    const missing = await callTool(client, "delete_documents", { doc_ids: ["doc-nope"] });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/not_found \(404\)/);
  });

  it("answers an unknown tool with a JSON-RPC error", async () => {
    const error = await client.callTool({ name: "drop_everything", arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toMatch(/Unknown tool: drop_everything/);
  });

  it("refuses write tools in read-only mode, and queries while ENABLE_QUERIES is off", async () => {
    await putFlags({ READ_ONLY_MODE: true, ENABLE_QUERIES: false });
    try {
      const write = await callTool(client, "insert_text", { text: "Grace Hopper wrote compilers." });
      expect(write.isError).toBe(true);
      expect(textOf(write)).toMatch(/read_only \(503\)/);
      const query = await callTool(client, "query", { query: "Who wrote compilers?" });
      expect(query.isError).toBe(true);
      expect(textOf(query)).toMatch(/ENABLE_QUERIES/);
      const read = await callTool(client, "list_documents", {});
      expect(read.isError).toBeFalsy();
    } finally {
      await putFlags({ READ_ONLY_MODE: null, ENABLE_QUERIES: null });
    }
  });

  it("answers GET and DELETE with 405 (no sessions) and invalid JSON with a parse error", async () => {
    const get = await SELF.fetch(`${ORIGIN}/mcp`, { headers: { Accept: "text/event-stream" } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await SELF.fetch(`${ORIGIN}/mcp`, { method: "DELETE" })).status).toBe(405);
    const bad = await SELF.fetch(`${ORIGIN}/mcp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 } });
  });
});
