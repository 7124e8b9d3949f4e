/** Graph edits need the editor role: a viewer of the workspace gets 403, an editor reaches the route. */
import { beforeAll, describe, expect, it } from "vitest";
import { call, json, session, uniqueName } from "./helpers";

const WS = "LIGHTRAG-WORKSPACE";
const ws = uniqueName("ws_gedit").replaceAll("-", "_");

let viewer: Record<string, string>;
let editor: Record<string, string>;

beforeAll(async () => {
  const admin = (await session("admin")).headers;
  expect((await call("/admin/workspaces", json({ id: ws }, admin))).status).toBe(201);
  viewer = { ...(await session("viewer", [ws])).headers, [WS]: ws };
  editor = { ...(await session("user", [ws])).headers, [WS]: ws };
});

describe("graph edit roles", { timeout: 30_000 }, () => {
  it("a viewer gets 403 on every edit route; an editor is let through", async () => {
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
  });
});
