/**
 * OWASP API1 (BOLA) route by route: a member of workspace A can neither read nor change
 * anything of workspace B, by header, by id, or with an API key scoped to A.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { routePolicyFor } from "../../src/http/route-policy-lookup";
import { call, json, session, uniqueName } from "./helpers";

const WS = "LIGHTRAG-WORKSPACE";
const wsA = uniqueName("ws_a").replaceAll("-", "_");
const wsB = uniqueName("ws_b").replaceAll("-", "_");

let admin: Record<string, string>;
let memberA: Record<string, string>;
let viewerA: Record<string, string>;
let keyA: string;
let docB = "";

/** Every (method, path) the app serves, with parameters filled in. */
function everyRoute(): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  const out: Array<{ method: string; path: string }> = [];
  for (const route of createApp().routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const path = route.path.replace(/:[A-Za-z_]+/g, "x");
    const key = `${route.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: route.method, path });
  }
  return out;
}

function isPublic(route: { method: string; path: string }): boolean {
  return routePolicyFor(route.method, route.path).access === "public";
}

async function settledIn(workspace: string, headers: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await call("/documents/status_counts", { headers: { ...headers, [WS]: workspace } });
    const { status_counts: c } = (await res.json()) as { status_counts: Record<string, number> };
    if ((c.all ?? 0) > 0 && (c.pending ?? 0) + (c.processing ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`documents of ${workspace} did not settle`);
}

beforeAll(async () => {
  admin = (await session("admin")).headers;
  for (const id of [wsA, wsB]) {
    expect((await call("/admin/workspaces", json({ id }, admin))).status).toBe(201);
  }
  memberA = (await session("user", [wsA])).headers;
  viewerA = (await session("viewer", [wsA])).headers;
  const key = await call("/admin/api-keys", json({ name: "bot A", role: "user", workspace: wsA }, admin));
  keyA = ((await key.json()) as { api_key: string }).api_key;
  const insert = async (workspace: string, text: string, file: string) => {
    const res = await call(
      "/documents/text",
      json({ text, file_source: file }, { ...admin, [WS]: workspace }),
    );
    expect(res.status).toBe(200);
  };
  await insert(wsA, "Alice Archer lives in Avalon. Alice Archer founded the Archery Guild.", "a.txt");
  await insert(wsB, "Bob Bishop lives in Brighton. Bob Bishop founded the Bishop Bakery.", "b.txt");
  await settledIn(wsA, admin);
  await settledIn(wsB, admin);
  const docs = await call("/documents/paginated", json({}, { ...admin, [WS]: wsB }));
  const body = (await docs.json()) as { documents: Array<{ id: string }> };
  docB = body.documents[0]?.id ?? "";
  expect(docB).not.toBe("");
}, 60_000);

describe("BOLA: workspace isolation", () => {
  it("every non-public route answers 403 to a member of A who names workspace B", async () => {
    const routes = everyRoute().filter((route) => !isPublic(route));
    expect(routes.length).toBeGreaterThan(20);
    for (const { method, path } of routes) {
      const res = await call(path, { method, headers: { ...memberA, [WS]: wsB } });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  }, 30_000);

  it("every non-public route answers 403 to an API key of A that names workspace B, 401 to nobody", async () => {
    for (const { method, path } of everyRoute().filter((route) => !isPublic(route))) {
      const keyed = await call(path, { method, headers: { "X-API-Key": keyA, [WS]: wsB } });
      expect(keyed.status, `${method} ${path} with A's key`).toBe(403);
      const anonymous = await call(path, { method, headers: { [WS]: wsB } });
      expect(anonymous.status, `${method} ${path} anonymous`).toBe(401);
    }
  }, 30_000);

  it("reads in A's own workspace show none of B's documents, graph or answers", async () => {
    const listing = await call("/documents/paginated", json({}, memberA));
    expect(listing.status).toBe(200);
    const text = JSON.stringify(await listing.json());
    expect(text).toContain("a.txt");
    expect(text).not.toContain("b.txt");
    expect(JSON.stringify(await (await call("/documents", { headers: memberA })).json())).not.toContain(
      "b.txt",
    );
    const labels = JSON.stringify(await (await call("/graph/label/list", { headers: memberA })).json());
    expect(labels).toContain("Alice Archer");
    expect(labels).not.toContain("Bob Bishop");
    const data = await call(
      "/query/data",
      json({ query: "Who founded the bakery in Brighton?", mode: "mix" }, memberA),
    );
    expect(data.status).toBe(200);
    const answer = JSON.stringify(await data.json());
    expect(answer).not.toContain("Bob Bishop");
    expect(answer).not.toContain("b.txt");
    // The control: the same question inside B finds B's data.
    const inB = await call(
      "/query/data",
      json({ query: "Who founded the bakery in Brighton?", mode: "mix" }, { ...admin, [WS]: wsB }),
    );
    expect(JSON.stringify(await inB.json())).toContain("Bob Bishop");
    const status = await call(`/documents/track_status/${encodeURIComponent(docB)}`, { headers: memberA });
    expect(JSON.stringify(await status.json())).not.toContain("b.txt");
  });

  it("A cannot delete B's document by its id: B keeps it", async () => {
    const res = await call("/documents/delete_document", json({ doc_ids: [docB] }, memberA, "DELETE"));
    expect(res.status).toBeLessThan(500);
    const inB = await call("/documents/paginated", json({}, { ...admin, [WS]: wsB }));
    expect(JSON.stringify(await inB.json())).toContain(docB);
  });

  it("roles: a viewer of A reads and queries but cannot write; an editor writes", async () => {
    expect((await call("/documents/paginated", json({}, viewerA))).status).toBe(200);
    expect((await call("/query/data", json({ query: "Alice?", mode: "local" }, viewerA))).status).toBe(200);
    const write = await call("/documents/text", json({ text: "Viewer text" }, viewerA));
    expect(write.status).toBe(403);
    expect((await call("/documents", { method: "DELETE", headers: viewerA })).status).toBe(403);
    expect((await call("/admin/users", { headers: memberA })).status).toBe(403);
    const edit = await call(
      "/documents/text",
      json({ text: "Editor text about Avalon.", file_source: "e.txt" }, memberA),
    );
    expect(edit.status).toBe(200);
  });

  it("administrators may act in any workspace by header", async () => {
    const res = await call("/documents/paginated", json({}, { ...admin, [WS]: wsB }));
    expect(res.status).toBe(200);
  });
});
