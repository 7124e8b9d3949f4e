import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { graphIndexOf } from "../../src/storage/graph-index/store";
import { dumpWorkspace, resetStorage, seedWorkspace, workerEnv } from "./backup-fixtures";

const json = { "Content-Type": "application/json" };

function captureLines() {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(JSON.parse(line)));
  return lines;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await resetStorage(["acme", "globex"]);
});

describe("deleting a workspace", () => {
  it("removes its documents, chunks, graph, vectors, memberships and keys, audited; others stay", async () => {
    await seedWorkspace("acme", 2);
    await seedWorkspace("globex", 1);
    const index = graphIndexOf(workerEnv.GRAPH_INDEX, "acme");
    await index.rebuild("acme");
    expect((await index.status()).entities).toBe(2);
    const globex = await dumpWorkspace("globex");
    const lines = captureLines();
    const res = await SELF.fetch("http://localhost/admin/workspaces/acme", {
      method: "DELETE",
      headers: json,
      body: JSON.stringify({ confirm: "acme" }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { deleted: Record<string, number> };
    expect(body.deleted).toMatchObject({
      documents: 2,
      chunks: 4,
      entities: 2,
      relations: 1,
      api_keys: 1,
      memberships: 1,
      workspaces: 1,
      "vectors:chunks": 4,
    });
    const after = await dumpWorkspace("acme");
    expect(Object.values(after).every((rows) => rows.length === 0)).toBe(true);
    const keys = await workerEnv.DB.prepare(
      "SELECT COUNT(*) AS n FROM api_keys WHERE workspace = 'acme'",
    ).first();
    expect(keys).toEqual({ n: 0 });
    expect(await dumpWorkspace("globex")).toEqual(globex);
    // The graph index copy is invalidated, and empty once rebuilt.
    expect((await index.status()).fresh).toBe(false);
    expect(await index.rebuild("acme")).toBe(true);
    expect(await index.status()).toMatchObject({ fresh: true, entities: 0, relations: 0 });
    expect(lines.find((l) => l.message === "audit" && l.event_action === "workspace_deleted")).toMatchObject({
      event_type: "administrative",
      outcome: "success",
    });
  });

  it("needs the workspace id as confirmation and answers 404 for an empty or invalid one", async () => {
    await seedWorkspace("acme", 1);
    const del = (path: string, body: unknown) =>
      SELF.fetch(`http://localhost${path}`, { method: "DELETE", headers: json, body: JSON.stringify(body) });
    expect((await del("/admin/workspaces/acme", {})).status).toBe(422);
    expect((await del("/admin/workspaces/acme", { confirm: "globex" })).status).toBe(422);
    expect((await del("/admin/workspaces/nothing_here", { confirm: "nothing_here" })).status).toBe(404);
    expect((await dumpWorkspace("acme")).documents).toHaveLength(1);
  });
});

describe("deleting a user", () => {
  it("also removes the API keys the user created", async () => {
    await seedWorkspace("acme", 1);
    await workerEnv.DB.prepare(
      "INSERT INTO api_keys (id, name, key_hash, prefix, role, workspace, created_by) VALUES ('k-ops', 'ops', 'h-ops', 'lr_x', 'user', 'acme', 'u-ops')",
    ).run();
    const res = await SELF.fetch("http://localhost/admin/users/u-ops", { method: "DELETE" });
    expect(res.status).toBe(200);
    const left = await workerEnv.DB.prepare("SELECT id FROM api_keys WHERE created_by = 'u-ops'").all();
    expect(left.results).toEqual([]);
    const members = await workerEnv.DB.prepare("SELECT * FROM memberships WHERE user_id = 'u-ops'").all();
    expect(members.results).toEqual([]);
  });
});
