import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { audit, auditSystem } from "../../src/audit";
import type { AuditEventInput } from "../../src/audit/record";
import { AUDIT_WRITE_MESSAGE, auditTableSink } from "../../src/audit/sinks";
import { insertAuditEvent } from "../../src/audit/store";
import type { Principal } from "../../src/auth/principal";
import type { Env } from "../../src/env";
import type { AppEnv } from "../../src/http/app-env";
import worker from "../../src/index";
import { createLogger } from "../../src/observability/logger";
import { appWithPrincipal } from "../observability/helpers";
import { testRuntime } from "../runtime-helpers";

const workerEnv = env as unknown as Env;
const RECORD_FIELDS = [
  "timestamp",
  "event_type",
  "event_action",
  "user_id",
  "ip_address",
  "user_agent",
  "session_id",
  "additional_data",
  "request_id",
  "workspace",
  "outcome",
];

/** The app's first middleware, a principal as the auth layer would set it, and a route that audits. */
function auditApp(event: AuditEventInput, principal?: Principal) {
  const routes = new Hono<AppEnv>();
  routes.post("/t", (c) => {
    audit(c, event);
    return c.json({ ok: true });
  });
  return appWithPrincipal(routes, principal, async (c, next) => {
    c.set("clientIp", "203.0.113.7");
    await next();
  });
}

/** Audit lines written to stdout while `run` runs (the spy passes them through). */
async function auditLines(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const spy = vi.spyOn(console, "log");
  await run();
  const lines = spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
  spy.mockRestore();
  return lines.filter((line) => line.message === "audit");
}

async function rowsFor(requestIdValue: string) {
  const { results } = await env.DB.prepare("SELECT * FROM audit_events WHERE request_id = ?")
    .bind(requestIdValue)
    .all<Record<string, unknown>>();
  return results;
}

/** A D1 whose statements answer with `outcome` (a failure, or a promise that never settles). */
function fakeD1(outcome: () => Promise<never>): D1Database {
  const statement = { bind: () => statement, run: outcome, all: outcome, raw: outcome, first: outcome };
  return { prepare: () => statement } as unknown as D1Database;
}

afterEach(() => vi.restoreAllMocks());

const alice: Principal = {
  userId: "user-123",
  role: "user",
  workspace: "audit_ws",
  via: "jwt",
  sessionId: "sess-abc",
};

describe("audit()", () => {
  it("writes one SECURITY line with exactly the seed's record plus request_id, workspace, outcome, and the same row", async () => {
    const app = auditApp(
      {
        event_type: "authentication",
        event_action: "login_success",
        outcome: "success",
        additional_data: { login_method: "password", password: "hunter2-secret" },
      },
      alice,
    );
    const ctx = createExecutionContext();
    const lines = await auditLines(async () => {
      const res = await app.request(
        "/t",
        { method: "POST", headers: { "X-Request-ID": "audit-req-1", "User-Agent": "Mozilla/5.0 test" } },
        workerEnv,
        ctx,
      );
      expect(res.status).toBe(200);
      await waitOnExecutionContext(ctx);
    });
    expect(lines).toHaveLength(1);
    const { level, message, ...record } = lines[0] ?? {};
    expect(level).toBe("SECURITY");
    expect(message).toBe("audit");
    expect(Object.keys(record).sort()).toEqual([...RECORD_FIELDS].sort());
    expect(record).toMatchObject({
      event_type: "authentication",
      event_action: "login_success",
      user_id: "user-123",
      ip_address: "203.0.113.7",
      user_agent: "Mozilla/5.0 test",
      session_id: "sess-abc",
      additional_data: { login_method: "password", password: "[REDACTED]" },
      request_id: "audit-req-1",
      workspace: "audit_ws",
      outcome: "success",
    });
    const rows = await rowsFor("audit-req-1");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event_type: "authentication",
      event_action: "login_success",
      user_id: "user-123",
      workspace: "audit_ws",
      outcome: "success",
      timestamp: Date.parse(String(record.timestamp)),
    });
    expect(JSON.parse(String(rows[0]?.additional_data))).toEqual({
      login_method: "password",
      password: "[REDACTED]",
    });
  });

  it("lets the caller name the user (failed logins have no principal) and keeps SECURITY lines at LOG_LEVEL=ERROR", async () => {
    const app = auditApp({
      event_type: "authentication",
      event_action: "login_failure",
      outcome: "failure",
      user_id: null,
    });
    const ctx = createExecutionContext();
    const lines = await auditLines(async () => {
      await app.request(
        "/t",
        { method: "POST", headers: { "X-Request-ID": "audit-req-2" } },
        { ...workerEnv, LOG_LEVEL: "ERROR" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      user_id: null,
      session_id: null,
      workspace: "default",
      outcome: "failure",
    });
  });

  it("skips the table when AUDIT_LOGGING_ENABLED=false but still writes the line", async () => {
    const app = auditApp({ event_type: "data_access", event_action: "query", outcome: "success" }, alice);
    const ctx = createExecutionContext();
    const lines = await auditLines(async () => {
      await app.request(
        "/t",
        { method: "POST", headers: { "X-Request-ID": "audit-req-3" } },
        { ...workerEnv, AUDIT_LOGGING_ENABLED: "false" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
    });
    expect(lines).toHaveLength(1);
    expect(await rowsFor("audit-req-3")).toHaveLength(0);
  });

  it("never fails the request even when the table and the queue both refuse", async () => {
    const broken = {
      ...workerEnv,
      DB: fakeD1(() => Promise.reject(new Error("D1 down"))),
      INGEST_QUEUE: { send: () => Promise.reject(new Error("queue down")) } as unknown as Queue<unknown>,
    };
    const app = auditApp(
      { event_type: "administrative", event_action: "role_change", outcome: "success" },
      alice,
    );
    const ctx = createExecutionContext();
    const spy = vi.spyOn(console, "log");
    const res = await app.request("/t", { method: "POST" }, broken, ctx);
    expect(res.status).toBe(200);
    await waitOnExecutionContext(ctx);
    const messages = spy.mock.calls.map(([line]) => JSON.parse(String(line)).message);
    expect(messages).toContain("audit");
    expect(messages).toContain("audit row not stored in the table; the SECURITY line is the record");
  });
});

describe("auditSystem()", () => {
  it("records background events with no request fields", async () => {
    const ctx = createExecutionContext();
    const lines = await auditLines(async () => {
      auditSystem(await testRuntime(ctx), {
        event_type: "system",
        event_action: "backup_completed",
        outcome: "success",
        workspace: "audit_sys",
        additional_data: { objects: 12 },
      });
      await waitOnExecutionContext(ctx);
    });
    expect(lines[0]).toMatchObject({
      level: "SECURITY",
      event_type: "system",
      event_action: "backup_completed",
      user_id: null,
      ip_address: null,
      request_id: null,
      workspace: "audit_sys",
    });
    const row = await env.DB.prepare(
      "SELECT * FROM audit_events WHERE workspace = 'audit_sys' AND event_action = 'backup_completed'",
    ).first();
    expect(row).toMatchObject({ outcome: "success", additional_data: '{"objects":12}' });
  });
});

describe("audit table", () => {
  it("hands a row the table cannot take in time to the queue, whose consumer stores it once", async () => {
    const sent: unknown[] = [];
    const slow = {
      ...workerEnv,
      DB: fakeD1(() => new Promise(() => undefined)),
      INGEST_QUEUE: { send: async (body: unknown) => void sent.push(body) } as unknown as Queue<unknown>,
    };
    const record = {
      timestamp: new Date().toISOString(),
      event_type: "data_access" as const,
      event_action: "document_delete",
      user_id: "u-9",
      ip_address: null,
      user_agent: null,
      session_id: null,
      additional_data: {},
      request_id: "audit-req-queued",
      workspace: "audit_q",
      outcome: "success" as const,
    };
    await auditTableSink(slow, record, createLogger("ERROR"), { timeoutMs: 20 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: AUDIT_WRITE_MESSAGE, record });
    // Deliver the message twice, as an at-least-once queue may: one row.
    const message = (id: string) => ({ id, timestamp: new Date(), attempts: 1, body: sent[0] });
    const batch = createMessageBatch("lightrag-edge-ingest-dev", [message("q1"), message("q2")]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(["q1", "q2"]);
    expect(await rowsFor("audit-req-queued")).toHaveLength(1);
  });

  it("acknowledges and logs a malformed deferred row instead of retrying it", async () => {
    const spy = vi.spyOn(console, "log");
    const batch = createMessageBatch("lightrag-edge-ingest-dev", [
      {
        id: "bad",
        timestamp: new Date(),
        attempts: 1,
        body: { type: AUDIT_WRITE_MESSAGE, id: "x", record: {} },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["bad"]);
    expect(spy.mock.calls.map(([line]) => JSON.parse(String(line)).message)).toContain(
      "malformed audit row dropped",
    );
  });

  it("is append-only: updates are refused", async () => {
    await insertAuditEvent(env.DB, "append-only-1", {
      timestamp: new Date().toISOString(),
      event_type: "system",
      event_action: "config_refused",
      user_id: null,
      ip_address: null,
      user_agent: null,
      session_id: null,
      additional_data: {},
      request_id: null,
      workspace: "audit_ro",
      outcome: "failure",
    });
    await expect(
      env.DB.prepare("UPDATE audit_events SET outcome = 'success' WHERE id = 'append-only-1'").run(),
    ).rejects.toThrow(/append-only/);
  });

  it("drops rows older than AUDIT_RETENTION_DAYS on the housekeeping cron and keeps the rest", async () => {
    const now = Date.UTC(2030, 0, 1);
    const day = 24 * 60 * 60 * 1000;
    const base = {
      event_type: "system" as const,
      event_action: "retention_probe",
      user_id: null,
      ip_address: null,
      user_agent: null,
      session_id: null,
      additional_data: {},
      request_id: null,
      workspace: "audit_retention",
      outcome: "success" as const,
    };
    await insertAuditEvent(env.DB, "ret-old", { ...base, timestamp: new Date(now - 31 * day).toISOString() });
    await insertAuditEvent(env.DB, "ret-new", { ...base, timestamp: new Date(now - 29 * day).toISOString() });
    const controller = createScheduledController({ cron: "*/15 * * * *", scheduledTime: now });
    await worker.scheduled(controller, { ...env, AUDIT_RETENTION_DAYS: "30" }, createExecutionContext());
    const { results } = await env.DB.prepare(
      "SELECT id FROM audit_events WHERE workspace = 'audit_retention'",
    ).all();
    expect(results.map((row) => row.id)).toEqual(["ret-new"]);
  });
});

describe("system events", () => {
  it("audits a refused configuration once per env, not once per request", async () => {
    const badEnv = { ...workerEnv, LOG_LEVEL: "LOUD" };
    const app = auditApp({ event_type: "system", event_action: "unused", outcome: "success" });
    const ctx = createExecutionContext();
    const lines = await auditLines(async () => {
      for (let i = 0; i < 3; i++) {
        expect((await app.request("/t", { method: "POST" }, badEnv, ctx)).status).toBe(503);
      }
      await waitOnExecutionContext(ctx);
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "SECURITY",
      event_type: "system",
      event_action: "config_refused",
      outcome: "failure",
      additional_data: { problems: [expect.stringContaining("LOG_LEVEL")] },
    });
  });
});
