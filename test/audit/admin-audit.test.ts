import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/audit/record";
import { insertAuditEvent } from "../../src/audit/store";
import type { Principal } from "../../src/auth/principal";
import type { Env } from "../../src/env";
import { adminAuditRoutes } from "../../src/http/routes/admin-audit";
import { appWithPrincipal } from "../observability/helpers";

const WS = "admin_audit_ws";
const T0 = Date.UTC(2031, 5, 1);

function record(overrides: Partial<AuditRecord>): AuditRecord {
  return {
    timestamp: new Date(T0).toISOString(),
    event_type: "authentication",
    event_action: "login_success",
    user_id: "u1",
    ip_address: "198.51.100.1",
    user_agent: "curl/8",
    session_id: null,
    additional_data: {},
    request_id: null,
    workspace: WS,
    outcome: "success",
    ...overrides,
  };
}

async function list(query: string, workspace = WS) {
  const res = await SELF.fetch(`http://x/admin/audit${query}`, {
    headers: { "LIGHTRAG-WORKSPACE": workspace },
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { events: AuditRecord[] },
  };
}

beforeAll(async () => {
  // 12 events a minute apart: logins by u1 and u2, one denied access, one upload; one in another workspace.
  for (let i = 0; i < 10; i++) {
    await insertAuditEvent(
      env.DB,
      `aa-${i}`,
      record({
        timestamp: new Date(T0 + i * 60_000).toISOString(),
        user_id: i % 2 === 0 ? "u1" : "u2",
        outcome: i === 3 ? "failure" : "success",
        event_action: i === 3 ? "login_failure" : "login_success",
      }),
    );
  }
  await insertAuditEvent(
    env.DB,
    "aa-10",
    record({
      timestamp: new Date(T0 + 10 * 60_000).toISOString(),
      event_type: "authorization",
      event_action: "access_denied",
      outcome: "denied",
    }),
  );
  await insertAuditEvent(
    env.DB,
    "aa-11",
    record({
      timestamp: new Date(T0 + 11 * 60_000).toISOString(),
      event_type: "data_access",
      event_action: "document_upload",
    }),
  );
  await insertAuditEvent(
    env.DB,
    "aa-other",
    record({ workspace: "other_ws", event_action: "secret_of_other_tenant" }),
  );
});

describe("GET /admin/audit", () => {
  it("lists the workspace's events newest first, never another workspace's", async () => {
    const { status, body } = await list("");
    expect(status).toBe(200);
    expect(body.events.map((event) => (event as AuditRecord & { id: string }).id)).toEqual(
      Array.from({ length: 12 }, (_, i) => `aa-${11 - i}`),
    );
    expect(body.events.some((event) => event.event_action === "secret_of_other_tenant")).toBe(false);
    expect(body.next_cursor).toBeNull();
    expect(body.events[0]).toMatchObject({ event_type: "data_access", workspace: WS, additional_data: {} });
  });

  it("filters by event type, user, outcome and time range (ISO or epoch ms)", async () => {
    expect((await list("?event_type=authorization")).body.events.map((e) => e.event_action)).toEqual([
      "access_denied",
    ]);
    expect((await list("?user_id=u2&event_type=authentication")).body.events).toHaveLength(5);
    expect((await list("?outcome=failure")).body.events.map((e) => e.event_action)).toEqual([
      "login_failure",
    ]);
    const from = new Date(T0 + 2 * 60_000).toISOString();
    const to = T0 + 4 * 60_000;
    const ranged = await list(`?from=${encodeURIComponent(from)}&to=${to}`);
    expect(ranged.body.events.map((e) => e.timestamp)).toEqual(
      [4, 3, 2].map((m) => new Date(T0 + m * 60_000).toISOString()),
    );
  });

  it("pages with an opaque cursor until the end, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`?limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.events.map((event) => (event as AuditRecord & { id: string }).id));
      cursor = page.body.next_cursor as string | null;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `aa-${11 - i}`));
  });

  it("answers 422 with details for bad filters", async () => {
    for (const query of [
      "?event_type=nope",
      "?outcome=maybe",
      "?limit=0",
      "?limit=501",
      "?from=yesterday",
      `?from=${T0 + 1}&to=${T0}`,
      "?cursor=not-a-cursor",
      "?unknown=1",
    ]) {
      const { status, body } = await list(query);
      expect(status, query).toBe(422);
      expect(body).toMatchObject({ error: { code: "validation_error" } });
      expect((body.error as { details: unknown[] }).details.length, query).toBeGreaterThan(0);
    }
  });
});

describe("GET /admin/audit with authentication on", () => {
  const securedApp = (principal?: Principal) => appWithPrincipal(adminAuditRoutes, principal);
  const securedEnv = { ...(env as unknown as Env), AUTH_ENABLED: "true" };

  it("refuses anonymous callers with 401 and non-administrators with 403", async () => {
    expect((await securedApp().request("/admin/audit", {}, securedEnv)).status).toBe(401);
    const viewer: Principal = { userId: "v", role: "user", workspace: WS, via: "jwt" };
    const res = await securedApp(viewer).request("/admin/audit", {}, securedEnv);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("lets administrators read their workspace", async () => {
    const admin: Principal = { userId: "a", role: "admin", workspace: WS, via: "jwt" };
    const res = await securedApp(admin).request("/admin/audit?limit=1", {}, securedEnv);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { events: AuditRecord[] }).events[0]?.workspace).toBe(WS);
  });
});
