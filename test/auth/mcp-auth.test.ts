/**
 * The MCP server with accounts on: the same principals, roles and workspaces as the REST API.
 * A viewer reads and queries but gets a tool error (audited as access_denied) for write tools;
 * an editor's API key writes; no credentials is 401 before any MCP message is read.
 */
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetCachedFlags } from "../../src/flags";
import { callTool, connectMcp, textOf } from "../mcp/helpers";
import { BASE, call, json, session, uniqueName } from "./helpers";

const WS = "LIGHTRAG-WORKSPACE";
const workspace = uniqueName("mcp_ws").replaceAll("-", "_");
const other = uniqueName("mcp_other").replaceAll("-", "_");

let admin: Record<string, string>;

async function setMcp(value: boolean | null): Promise<void> {
  const res = await call("/admin/flags", json({ MCP_SERVER_ENABLED: value }, admin, "PUT"));
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  admin = (await session("admin")).headers;
  for (const id of [workspace, other]) {
    expect((await call("/admin/workspaces", json({ id }, admin))).status).toBe(201);
  }
  await setMcp(true);
});

afterAll(async () => {
  await setMcp(null);
  forgetCachedFlags();
});

describe("MCP authentication and roles", { timeout: 30_000 }, () => {
  it("answers 401 without credentials and 403 for a workspace the caller is not a member of", async () => {
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    };
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    const anonymous = await call("/mcp", { method: "POST", headers, body: JSON.stringify(init) });
    expect(anonymous.status).toBe(401);
    const { headers: member } = await session("user", [workspace]);
    const elsewhere = await call("/mcp", {
      method: "POST",
      headers: { ...headers, ...member, [WS]: other },
      body: JSON.stringify(init),
    });
    expect(elsewhere.status).toBe(403);
  });

  it("lets a viewer read and query, refuses its write tools with a tool error and audits the denial", async () => {
    const { user, headers } = await session("viewer", [workspace]);
    const client = await connectMcp(BASE, headers);
    const listed = await callTool(client, "list_documents", {});
    expect(listed.isError).toBeFalsy();
    const labels = await callTool(client, "search_labels", { q: "anything" });
    expect(labels.isError).toBeFalsy();
    for (const [name, args] of [
      ["insert_text", { text: "A viewer may not add this." }],
      ["delete_documents", { doc_ids: ["doc-1"] }],
    ] as const) {
      const refused = await callTool(client, name, args);
      expect(refused.isError, name).toBe(true);
      expect(textOf(refused), name).toMatch(
        new RegExp(`forbidden \\(403\\): The ${name} tool needs the editor`),
      );
    }
    await client.close();
    const { results } = await env.DB.prepare(
      "SELECT additional_data FROM audit_events WHERE user_id = ? AND event_action = 'access_denied'",
    )
      .bind(user.id)
      .all<{ additional_data: string }>();
    const tools = results.map((row) => (JSON.parse(row.additional_data) as { tool?: string }).tool);
    expect(tools).toEqual(expect.arrayContaining(["insert_text", "delete_documents"]));
  });

  it("lets an editor's API key write in the key's workspace, audited as a document upload", async () => {
    const created = await call("/admin/api-keys", json({ name: "mcp bot", role: "user", workspace }, admin));
    const { api_key: key } = (await created.json()) as { api_key: string };
    const client = await connectMcp(BASE, { "X-API-Key": key });
    const inserted = await callTool(client, "insert_text", {
      text: "Grace Hopper wrote the first compiler.",
      file_source: "grace.txt",
    });
    expect(inserted.isError, textOf(inserted)).toBeFalsy();
    expect(inserted.structuredContent).toMatchObject({ status: "success" });
    const listed = await call("/documents/paginated", json({}, { ...admin, [WS]: workspace }));
    expect(JSON.stringify(await listed.json())).toContain("grace.txt");
    await client.close();
    const { results } = await env.DB.prepare(
      "SELECT workspace FROM audit_events WHERE event_action = 'document_upload' AND workspace = ?",
    )
      .bind(workspace)
      .all();
    expect(results.length).toBeGreaterThan(0);
  });
});
