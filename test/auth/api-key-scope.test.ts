/**
 * The API-key model (docs/security.md, "API keys: scope and lifetime"): a key is never a global
 * administrator, never acts outside its one workspace, never mints a key with more power or a
 * longer life than itself, and dies with whoever created it (a user, or a key), transitively.
 * Every `/admin` route of the app is exercised with a workspace-scoped administrator key.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { bearer, call, json, login, makeUser, PASSWORD, session, uniqueName } from "./helpers";

const WS = "LIGHTRAG-WORKSPACE";
const space = (prefix: string) => uniqueName(prefix).replaceAll("-", "_");
const wsA = space("keys_a");
const wsB = space("keys_b");
const wsDoomed = space("keys_del");
const wsLocked = space("keys_locked");
const BACKUP = "20250101T000000Z-manual";

let admin: Record<string, string>;
let keyA: Record<string, string>;
let keyAId = "";
let keyB: Record<string, string>;
let keyBId = "";
let userB = "";
let memberA = "";

interface CreatedKey {
  id: string;
  api_key: string;
  workspace: string;
  role: string;
  created_by: string | null;
  expires_at: string | null;
}

async function newKey(by: Record<string, string>, body: Record<string, unknown>): Promise<CreatedKey> {
  const res = await call("/admin/api-keys", json({ name: uniqueName("key"), ...body }, by));
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

const keyHeaders = (key: CreatedKey) => ({ "X-API-Key": key.api_key });
const alive = async (headers: Record<string, string>) => (await call("/auth/me", { headers })).status;

/** Every (method, path) under /admin the app serves, as registered ("GET /admin/users/:id"). */
function adminRoutes(): string[] {
  const seen = new Set<string>();
  for (const route of createApp().routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    if (route.path === "/admin" || route.path.startsWith("/admin/"))
      seen.add(`${route.method} ${route.path}`);
  }
  return [...seen].sort();
}

interface Case {
  path: () => string;
  init?: () => RequestInit;
  /** What a workspace key must get; 403 unless the route is allowed inside its own workspace. */
  expect?: (res: Response) => Promise<void>;
}

const body = (value: unknown, method = "POST"): RequestInit => json(value, {}, method);
const refused =
  (status = 403) =>
  async (res: Response) => {
    expect(res.status, await res.clone().text()).toBe(status);
  };

/** One request per admin route: what a scoped key would do outside its workspace or globally. */
const CASES: Record<string, Case> = {
  "GET /admin/users": { path: () => "/admin/users" },
  "POST /admin/users": {
    path: () => "/admin/users",
    init: () => body({ username: uniqueName("root"), password: PASSWORD, role: "administrator" }),
  },
  "GET /admin/users/:id": { path: () => `/admin/users/${userB}` },
  "PATCH /admin/users/:id": {
    path: () => `/admin/users/${userB}`,
    init: () => body({ role: "administrator" }, "PATCH"),
  },
  "POST /admin/users/:id/unlock": { path: () => `/admin/users/${userB}/unlock`, init: () => body({}) },
  "DELETE /admin/users/:id": { path: () => `/admin/users/${userB}`, init: () => ({ method: "DELETE" }) },
  "GET /admin/workspaces": { path: () => "/admin/workspaces" },
  "POST /admin/workspaces": { path: () => "/admin/workspaces", init: () => body({ id: space("made") }) },
  "GET /admin/workspaces/:id/members": { path: () => `/admin/workspaces/${wsB}/members` },
  "POST /admin/workspaces/:id/members": {
    path: () => `/admin/workspaces/${wsB}/members`,
    init: () => body({ user_id: memberA }),
  },
  "DELETE /admin/workspaces/:id/members/:userId": {
    path: () => `/admin/workspaces/${wsB}/members/${userB}`,
    init: () => ({ method: "DELETE" }),
  },
  "DELETE /admin/workspaces/:id": {
    path: () => `/admin/workspaces/${wsDoomed}`,
    init: () => body({ confirm: wsDoomed }, "DELETE"),
  },
  "GET /admin/api-keys": {
    path: () => "/admin/api-keys",
    expect: async (res) => {
      expect(res.status).toBe(200);
      const { api_keys: keys } = (await res.json()) as { api_keys: Array<{ id: string; workspace: string }> };
      expect(keys.map((key) => key.id)).toContain(keyAId);
      expect(keys.map((key) => key.id)).not.toContain(keyBId);
      expect(new Set(keys.map((key) => key.workspace))).toEqual(new Set([wsA]));
    },
  },
  "POST /admin/api-keys": {
    path: () => "/admin/api-keys",
    init: () => body({ name: "escape", role: "administrator", workspace: wsB }),
  },
  "DELETE /admin/api-keys/:id": {
    path: () => `/admin/api-keys/${keyBId}`,
    init: () => ({ method: "DELETE" }),
    expect: refused(404),
  },
  "GET /admin/audit": {
    path: () => "/admin/audit",
    expect: async (res) => {
      expect(res.status).toBe(200);
      const { events } = (await res.json()) as { events: Array<{ workspace: string }> };
      for (const event of events) expect(event.workspace).toBe(wsA);
    },
  },
  "GET /admin/llm/usage": {
    path: () => "/admin/llm/usage",
    expect: async (res) => {
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ workspace: wsA });
    },
  },
  "GET /admin/llm/status": { path: () => "/admin/llm/status" },
  "GET /admin/analytics": { path: () => "/admin/analytics" },
  "GET /admin/flags": {
    path: () => "/admin/flags",
    // Readable (health checks use a key), but only A's own lock and no one's user id.
    expect: async (res) => {
      expect(res.status).toBe(200);
      const view = (await res.json()) as {
        read_only_workspaces: Record<string, unknown>;
        updated_by: unknown;
      };
      expect(view.read_only_workspaces).not.toHaveProperty(wsLocked);
      expect(view.updated_by).toBeNull();
    },
  },
  "PUT /admin/flags": {
    path: () => "/admin/flags",
    init: () => body({ workspace_read_only: { [wsB]: true } }, "PUT"),
  },
  "GET /admin/backups": { path: () => "/admin/backups" },
  "POST /admin/backups": { path: () => "/admin/backups", init: () => body({}) },
  "GET /admin/backups/:id": { path: () => `/admin/backups/${BACKUP}` },
  "POST /admin/backups/:id/verify": { path: () => `/admin/backups/${BACKUP}/verify`, init: () => body({}) },
  "GET /admin/backups/:id/restore": {
    path: () => `/admin/backups/${BACKUP}/restore?target_workspace=${wsB}`,
  },
  "POST /admin/backups/:id/restore": {
    path: () => `/admin/backups/${BACKUP}/restore`,
    init: () => body({ workspace: wsB, target_workspace: wsB }),
  },
};

async function send(test: Case, headers: Record<string, string>): Promise<Response> {
  const init = test.init?.() ?? {};
  return call(test.path(), { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
}

beforeAll(async () => {
  admin = (await session("admin")).headers;
  for (const id of [wsA, wsB, wsDoomed]) {
    expect((await call("/admin/workspaces", json({ id }, admin))).status).toBe(201);
  }
  const a = await newKey(admin, { role: "administrator", workspace: wsA });
  keyA = keyHeaders(a);
  keyAId = a.id;
  const b = await newKey(admin, { role: "editor", workspace: wsB });
  keyB = keyHeaders(b);
  keyBId = b.id;
  userB = (await makeUser("viewer", [wsB, wsDoomed])).id;
  memberA = (await makeUser("user", [wsA])).id;
  const lock = await call("/admin/flags", json({ workspace_read_only: { [wsLocked]: true } }, admin, "PUT"));
  expect(lock.status).toBe(200);
}, 30_000);

describe("an administrator API key of workspace A", () => {
  it("the cases below cover every /admin route the app registers", () => {
    expect(Object.keys(CASES).sort()).toEqual(adminRoutes());
  });

  it("cannot act outside A or globally on any /admin route", async () => {
    const bypasses: string[] = [];
    for (const [route, test] of Object.entries(CASES)) {
      const res = await send(test, keyA);
      await (test.expect ?? refused())(res).catch((error: Error) => {
        bypasses.push(`${route}: ${error.message.split("\n")[0]}`);
      });
    }
    expect(bypasses).toEqual([]);
    // Nothing happened: B's key still works, B's user and the doomed workspace are intact, B is writable.
    expect(await alive(keyB)).toBe(200);
    expect((await call(`/admin/users/${userB}`, { headers: admin })).status).toBe(200);
    const members = await call(`/admin/workspaces/${wsDoomed}/members`, { headers: admin });
    expect(JSON.stringify(await members.json())).toContain(userB);
    const flags = (await (await call("/admin/flags", { headers: admin })).json()) as {
      read_only_workspaces: Record<string, unknown>;
    };
    expect(flags.read_only_workspaces[wsB]).toBeUndefined();
  }, 60_000);

  it("gets 403 on every /admin route when it names workspace B", async () => {
    for (const [route, test] of Object.entries(CASES)) {
      const res = await send(test, { ...keyA, [WS]: wsB });
      expect(res.status, route).toBe(403);
    }
  }, 60_000);

  it("is not an administrator for /metrics or /auth/register either", async () => {
    expect((await call("/metrics", { headers: keyA })).status).toBe(403);
    const username = uniqueName("root");
    const res = await call(
      "/auth/register",
      json({ username, password: PASSWORD, role: "administrator", workspaces: [wsA] }, keyA),
    );
    expect(res.status).toBe(403);
    expect((await call("/auth/login", json({ username, password: PASSWORD }))).status).toBe(401);
  });

  it("manages the keys of its own workspace, never with more power or a longer life than itself", async () => {
    const child = await newKey(keyA, { role: "administrator", workspace: wsA });
    expect(child).toMatchObject({ workspace: wsA, role: "admin", created_by: `api_key:${keyAId}` });
    // A key made by a key is scoped like its parent: still no global power.
    expect((await call("/admin/users", { headers: keyHeaders(child) })).status).toBe(403);
    expect((await call(`/admin/workspaces/${wsA}/members`, { headers: keyA })).status).toBe(200);
    expect((await call(`/admin/api-keys/${child.id}`, { method: "DELETE", headers: keyA })).status).toBe(200);
    expect(await alive(keyHeaders(child))).toBe(401);

    const DAY = 24 * 60 * 60 * 1000;
    const short = await newKey(admin, { role: "administrator", workspace: wsA, expires_in_days: 2 });
    const limit = Date.parse(short.expires_at ?? "");
    const longer = await newKey(keyHeaders(short), { role: "viewer", workspace: wsA, expires_in_days: 30 });
    const unset = await newKey(keyHeaders(short), { role: "viewer", workspace: wsA });
    expect(Date.parse(longer.expires_at ?? "")).toBeLessThanOrEqual(limit);
    expect(Date.parse(unset.expires_at ?? "")).toBeLessThanOrEqual(limit);
    expect(limit - Date.now()).toBeLessThan(2 * DAY + 60_000);
  });
});

describe("every key dies with its creator", () => {
  it("deleting a user ends their keys and the keys those keys made, transitively", async () => {
    const owner = await makeUser("admin", [wsA]);
    const ownerHeaders = bearer((await login(owner, wsA)).access_token);
    const k1 = await newKey(ownerHeaders, { role: "administrator", workspace: wsA });
    const k2 = await newKey(keyHeaders(k1), { role: "administrator", workspace: wsA });
    const k3 = await newKey(keyHeaders(k2), { role: "viewer", workspace: wsA });
    const k4 = await newKey(keyHeaders(k1), { role: "editor", workspace: wsA });
    const bystander = await newKey(admin, { role: "viewer", workspace: wsA });
    for (const key of [k1, k2, k3, k4]) expect(await alive(keyHeaders(key))).toBe(200);

    expect((await call(`/admin/users/${owner.id}`, { method: "DELETE", headers: admin })).status).toBe(200);
    for (const [name, key] of Object.entries({ k1, k2, k3, k4 })) {
      expect(await alive(keyHeaders(key)), name).toBe(401);
    }
    expect(await alive(keyHeaders(bystander))).toBe(200);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE id IN (?, ?, ?, ?)")
      .bind(k1.id, k2.id, k3.id, k4.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("disabling a user revokes their keys and the keys those keys made; enabling does not restore them", async () => {
    const owner = await makeUser("admin", [wsA]);
    const ownerHeaders = bearer((await login(owner, wsA)).access_token);
    const k1 = await newKey(ownerHeaders, { role: "administrator", workspace: wsA });
    const k2 = await newKey(keyHeaders(k1), { role: "editor", workspace: wsA });
    const bystander = await newKey(admin, { role: "viewer", workspace: wsA });
    const disable = await call(`/admin/users/${owner.id}`, json({ disabled: true }, admin, "PATCH"));
    expect(disable.status).toBe(200);
    for (const [name, key] of Object.entries({ k1, k2 }))
      expect(await alive(keyHeaders(key)), name).toBe(401);
    expect(await alive(keyHeaders(bystander))).toBe(200);
    const audited = await env.DB.prepare(
      "SELECT additional_data FROM audit_events WHERE event_action = 'api_key_revoked' AND additional_data LIKE ?",
    )
      .bind(`%${k1.id}%`)
      .first<{ additional_data: string }>();
    expect(JSON.parse(audited?.additional_data ?? "{}")).toMatchObject({
      reason: "owner_disabled",
      target_user_id: owner.id,
    });
    expect((await call(`/admin/users/${owner.id}`, json({ disabled: false }, admin, "PATCH"))).status).toBe(
      200,
    );
    expect(await alive(keyHeaders(k1))).toBe(401);
  });

  it("demoting an administrator revokes the keys they made; another role change does not", async () => {
    const owner = await makeUser("admin", [wsA]);
    const ownerHeaders = bearer((await login(owner, wsA)).access_token);
    const k1 = await newKey(ownerHeaders, { role: "administrator", workspace: wsA });
    const k2 = await newKey(keyHeaders(k1), { role: "viewer", workspace: wsA });
    expect(
      (await call(`/admin/users/${owner.id}`, json({ email: "kept@example.com" }, admin, "PATCH"))).status,
    ).toBe(200);
    expect(await alive(keyHeaders(k1))).toBe(200);
    expect((await call(`/admin/users/${owner.id}`, json({ role: "user" }, admin, "PATCH"))).status).toBe(200);
    for (const [name, key] of Object.entries({ k1, k2 }))
      expect(await alive(keyHeaders(key)), name).toBe(401);
  });

  it("revoking a key revokes the keys it made, transitively", async () => {
    const k1 = await newKey(admin, { role: "administrator", workspace: wsA });
    const k2 = await newKey(keyHeaders(k1), { role: "administrator", workspace: wsA });
    const k3 = await newKey(keyHeaders(k2), { role: "viewer", workspace: wsA });
    const sibling = await newKey(admin, { role: "viewer", workspace: wsA });
    expect((await call(`/admin/api-keys/${k1.id}`, { method: "DELETE", headers: admin })).status).toBe(200);
    for (const [name, key] of Object.entries({ k1, k2, k3 })) {
      expect(await alive(keyHeaders(key)), name).toBe(401);
    }
    expect(await alive(keyHeaders(sibling))).toBe(200);
  });
});
