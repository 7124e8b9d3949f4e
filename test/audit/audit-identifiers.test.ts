/**
 * The audit trail redacts secrets, never identifiers: key ids, counts and `api_key:<id>` user ids
 * read the same on stdout and in the table, while passwords, tokens and raw keys stay masked in both.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { audit } from "../../src/audit";
import type { Principal } from "../../src/auth/principal";
import { adminApiKeyRoutes } from "../../src/auth/routes/admin-api-keys";
import type { Env } from "../../src/env";
import type { AppEnv } from "../../src/http/app-env";
import { REDACTED } from "../../src/observability/redact";
import { CANARY_SECRETS } from "../canaries";
import { appWithPrincipal } from "../observability/helpers";

const workerEnv = env as unknown as Env;
const KEY_ID = "7d0c3f4e-1b2a-4c5d-9e8f-0a1b2c3d4e5f";

/** An administrator acting through a stored API key, as resolve-principal builds it. */
const keyAdmin: Principal = {
  userId: `api_key:${KEY_ID}`,
  role: "admin",
  workspace: "audit_ids_ws",
  via: "api_key",
  sessionId: KEY_ID,
};

afterEach(() => vi.restoreAllMocks());

/** Sends one request through `app`, waits for the table writes, returns the audit lines of stdout. */
async function send(app: Hono<AppEnv>, path: string, init: RequestInit, requestId: string) {
  const spy = vi.spyOn(console, "log");
  const ctx = createExecutionContext();
  const res = await app.request(
    path,
    { ...init, headers: { ...(init.headers ?? {}), "X-Request-ID": requestId } },
    workerEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const lines = spy.mock.calls
    .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
    .filter((line) => line.message === "audit");
  spy.mockRestore();
  return { res, lines };
}

async function rowFor(requestId: string): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare("SELECT * FROM audit_events WHERE request_id = ?")
    .bind(requestId)
    .first<Record<string, unknown>>();
  if (!row) throw new Error(`no audit row for ${requestId}`);
  return { ...row, additional_data: JSON.parse(String(row.additional_data)) as Record<string, unknown> };
}

describe("audit identifiers survive redaction in both sinks", () => {
  it("api_key_created and api_key_revoked keep the key id and the api_key:<id> user id", async () => {
    const app = appWithPrincipal(adminApiKeyRoutes, keyAdmin);
    const created = await send(
      app,
      "/admin/api-keys",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "ingest bot", role: "user", workspace: "audit_ids_ws" }),
      },
      "audit-ids-create",
    );
    expect(created.res.status).toBe(201);
    const body = (await created.res.json()) as { id: string; api_key: string };
    const revoked = await send(app, `/admin/api-keys/${body.id}`, { method: "DELETE" }, "audit-ids-revoke");
    expect(revoked.res.status).toBe(200);

    for (const [run, requestId, action] of [
      [created, "audit-ids-create", "api_key_created"],
      [revoked, "audit-ids-revoke", "api_key_revoked"],
    ] as const) {
      expect(run.lines).toHaveLength(1);
      const line = run.lines[0] ?? {};
      expect(line).toMatchObject({ event_action: action, user_id: `api_key:${KEY_ID}`, session_id: KEY_ID });
      expect(line.additional_data).toMatchObject({ api_key_id: body.id });
      const row = await rowFor(requestId);
      expect(row).toMatchObject({ event_action: action, user_id: `api_key:${KEY_ID}`, session_id: KEY_ID });
      expect(row.additional_data).toMatchObject({ api_key_id: body.id });
      // The key itself is shown once to its creator and never reaches either sink.
      expect(JSON.stringify(line)).not.toContain(body.api_key);
      expect(JSON.stringify(row)).not.toContain(body.api_key);
    }
  });

  it("counts, ids and names are kept while passwords, tokens, secrets and raw keys are masked", async () => {
    const rawKey = "lrk_Zq3vH8n2Jx0pLw5rT9cYb1mKd4sEf6gUa7iOe2hN3jQ";
    const routes = new Hono<AppEnv>();
    routes.post("/t", (c) => {
      audit(c, {
        event_type: "administrative",
        event_action: "workspace_deleted",
        outcome: "success",
        additional_data: {
          api_keys: 3,
          deleted: { api_keys: 3, documents: 12 },
          prompt_tokens: 900,
          api_key_id: KEY_ID,
          api_key_ids: [KEY_ID],
          token_id: "tok-42",
          target_user_id: `api_key:${KEY_ID}`,
          api_key_name: "ingest bot",
          password: CANARY_SECRETS.password,
          token: CANARY_SECRETS.bearer,
          secret: "s3cr3t-value",
          api_key: rawKey,
          authorization: `Bearer ${CANARY_SECRETS.bearer}`,
          cookie: CANARY_SECRETS.cookie,
          note: `client sent ${rawKey} and password=${CANARY_SECRETS.password}`,
        },
      });
      return c.json({ ok: true });
    });
    const { lines } = await send(
      appWithPrincipal(routes, keyAdmin),
      "/t",
      { method: "POST" },
      "audit-ids-mixed",
    );
    expect(lines).toHaveLength(1);
    const row = await rowFor("audit-ids-mixed");
    for (const [sink, record] of [
      ["stdout", lines[0] ?? {}],
      ["table", row],
    ] as const) {
      expect(record.user_id, sink).toBe(`api_key:${KEY_ID}`);
      const data = record.additional_data as Record<string, unknown>;
      expect(data, sink).toMatchObject({
        api_keys: 3,
        deleted: { api_keys: 3, documents: 12 },
        prompt_tokens: 900,
        api_key_id: KEY_ID,
        api_key_ids: [KEY_ID],
        token_id: "tok-42",
        target_user_id: `api_key:${KEY_ID}`,
        api_key_name: "ingest bot",
        password: REDACTED,
        token: REDACTED,
        secret: REDACTED,
        api_key: REDACTED,
        authorization: REDACTED,
        cookie: REDACTED,
      });
      const text = JSON.stringify(record);
      for (const secret of [
        rawKey,
        CANARY_SECRETS.password,
        CANARY_SECRETS.bearer,
        CANARY_SECRETS.cookie,
        "s3cr3t-value",
      ]) {
        expect(text, `${sink} leaks ${secret}`).not.toContain(secret);
      }
    }
  });
});
