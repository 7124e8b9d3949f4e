/** Graph edits need the editor role: a viewer of the workspace gets 403, an editor reaches the route, and each edit is audited. */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, json, session, uniqueName } from "./helpers";

const WS = "LIGHTRAG-WORKSPACE";
const ws = uniqueName("ws_gedit").replaceAll("-", "_");

let viewer: Record<string, string>;
let editor: Record<string, string>;
let editorId = "";

/** Audited graph-edit actions of the editor, once the background writes landed. */
async function editActions(): Promise<string[]> {
  const deadline = Date.now() + 5000;
  let actions: string[] = [];
  while (Date.now() < deadline) {
    const { results } = await env.DB.prepare(
      "SELECT event_action FROM audit_events WHERE user_id = ?1 AND event_action LIKE 'graph_%' ORDER BY timestamp",
    )
      .bind(editorId)
      .all<{ event_action: string }>();
    actions = results.map((row) => row.event_action);
    if (actions.length >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return actions;
}

beforeAll(async () => {
  const admin = (await session("admin")).headers;
  expect((await call("/admin/workspaces", json({ id: ws }, admin))).status).toBe(201);
  viewer = { ...(await session("viewer", [ws])).headers, [WS]: ws };
  const editorSession = await session("user", [ws]);
  editor = { ...editorSession.headers, [WS]: ws };
  editorId = editorSession.user.id;
});

describe("graph edit roles", { timeout: 30_000 }, () => {
  it("a viewer gets 403 on edit routes; an editor is let through and audited", async () => {
    const create = { entity_name: "Ada", entity_data: { description: "A person.", entity_type: "person" } };
    expect((await call("/graph/entity/create", json(create, viewer))).status).toBe(403);
    const edit = { entity_name: "Ada", updated_data: { description: "x" } };
    expect((await call("/graph/entity/edit", json(edit, viewer))).status).toBe(403);
    expect((await call("/graph/entity/delete", json({ entity_name: "Ada" }, viewer, "DELETE"))).status).toBe(
      403,
    );

    expect((await call("/graph/entity/create", json(create, editor))).status).toBe(200);
    expect((await call("/graph/entity/edit", json(edit, editor))).status).toBe(200);
    expect((await call("/graph/entity/delete", json({ entity_name: "Ada" }, editor, "DELETE"))).status).toBe(
      200,
    );
    expect((await editActions()).sort()).toEqual([
      "graph_entity_create",
      "graph_entity_delete",
      "graph_entity_edit",
    ]);
  });
});
