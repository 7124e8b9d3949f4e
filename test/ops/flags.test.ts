import { env, SELF } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Principal } from "../../src/auth/principal";
import { loadConfig } from "../../src/config";
import { currentFlagsView, forgetCachedFlags } from "../../src/flags";
import { FLAG_NAMES } from "../../src/flags/names";
import type { AppEnv } from "../../src/http/app-env";
import { onError, onNotFound } from "../../src/http/error-handler";
import { configGuard } from "../../src/http/middleware/config-guard";
import { flagGuard } from "../../src/http/middleware/flag-guard";
import { appWithPrincipal } from "../observability/helpers";

interface Envelope {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const json = { "Content-Type": "application/json" };

/** The effective flags a queue batch or cron run would resolve for `e`. */
async function currentFlagsFromEnv(e: typeof env) {
  const config = loadConfig(e).config;
  if (!config) return null;
  return (await currentFlagsView(e as never, config)).flags;
}

async function putFlags(body: unknown) {
  return SELF.fetch("http://localhost/admin/flags", {
    method: "PUT",
    headers: json,
    body: JSON.stringify(body),
  });
}

/** The app's config and flag guard around stand-in engine routes (the real ones come from the engine). */
function guardedApp(principal?: Principal) {
  const app = new Hono<AppEnv>();
  const ok = (c: { json: (body: unknown) => Response }) => c.json({ ok: true });
  for (const path of ["/query", "/query/data", "/api/chat", "/api/generate", "/documents/paginated"])
    app.post(path, ok);
  for (const path of ["/documents/text", "/documents/upload", "/login", "/auth/refresh"]) app.post(path, ok);
  app.put("/admin/flags", ok);
  app.delete("/documents", ok);
  app.post("/graph/entity/edit", ok);
  app.get("/documents", ok);
  app.get("/graph/entity/exists", ok);
  app.all("/mcp", ok);
  const guarded = appWithPrincipal(app, principal, flagGuard);
  guarded.notFound(onNotFound);
  return guarded;
}

async function call(app: Hono<AppEnv>, method: string, path: string, headers: Record<string, string> = {}) {
  return app.request(
    path,
    { method, headers: { ...json, ...headers }, body: method === "GET" ? null : "{}" },
    env,
  );
}

afterEach(async () => {
  vi.restoreAllMocks();
  const reset = Object.fromEntries(FLAG_NAMES.map((name) => [name, null]));
  await putFlags(reset);
  forgetCachedFlags();
});

describe("GET/PUT /admin/flags", () => {
  it("shows env defaults when nothing is overridden", async () => {
    const res = await SELF.fetch("http://localhost/admin/flags");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(body.flags).toEqual(body.defaults);
    expect(body.flags).toMatchObject({
      READ_ONLY_MODE: false,
      ENABLE_QUERIES: true,
      AUDIT_LOGGING_ENABLED: true,
    });
    expect(body.overrides).toEqual({});
  });

  it("overrides a flag, reverts it with null, and audits the change", async () => {
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(JSON.parse(line)));
    const res = await putFlags({ READ_ONLY_MODE: true, ENHANCED_PROCESSING: false });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(body.flags).toMatchObject({ READ_ONLY_MODE: true, ENHANCED_PROCESSING: false });
    expect(body.defaults).toMatchObject({ READ_ONLY_MODE: false, ENHANCED_PROCESSING: true });
    expect(body.overrides).toEqual({ READ_ONLY_MODE: true, ENHANCED_PROCESSING: false });
    const auditLine = lines.find((line) => line.message === "audit" && line.event_action === "flags_updated");
    expect(auditLine).toMatchObject({ level: "SECURITY", event_type: "administrative", outcome: "success" });

    forgetCachedFlags();
    expect(await currentFlagsFromEnv(env)).toMatchObject({
      READ_ONLY_MODE: true,
      ENHANCED_PROCESSING: false,
    });

    const reverted = (await (await putFlags({ READ_ONLY_MODE: null })).json()) as Record<string, unknown>;
    expect(reverted.overrides).toEqual({ ENHANCED_PROCESSING: false });
  });

  it("refuses unknown flags, non-booleans and malformed JSON", async () => {
    const unknown = await putFlags({ MAKE_IT_FAST: true });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as Envelope).error.code).toBe("validation_error");
    expect((await putFlags({ READ_ONLY_MODE: "yes" })).status).toBe(422);
    expect((await putFlags({})).status).toBe(422);
    const broken = await SELF.fetch("http://localhost/admin/flags", {
      method: "PUT",
      headers: json,
      body: "{",
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as Envelope).error.code).toBe("invalid_json");
  });

  it("is for administrators only once auth is on", async () => {
    const viewer: Principal = { userId: "u1", role: "viewer", workspace: "default", via: "jwt" };
    const app = new Hono<AppEnv>();
    app.use(configGuard);
    app.use(async (c, next) => {
      c.set("config", { ...c.get("config"), AUTH_ENABLED: true });
      c.set("principal", viewer);
      await next();
    });
    const { adminFlagsRoutes } = await import("../../src/http/routes/admin-flags");
    app.route("/", adminFlagsRoutes);
    app.onError(onError);
    const res = await app.request("/admin/flags", {}, env);
    expect(res.status).toBe(403);
  });
});

describe("flag guard", () => {
  it("lets everything through with the defaults", async () => {
    const app = guardedApp();
    expect((await call(app, "POST", "/documents/text")).status).toBe(200);
    expect((await call(app, "DELETE", "/documents")).status).toBe(200);
    expect((await call(app, "POST", "/query")).status).toBe(200);
  });

  it("answers writes with 503 read_only in read-only mode while queries, login and flags work", async () => {
    await putFlags({ READ_ONLY_MODE: true });
    const app = guardedApp();
    for (const [method, path] of [
      ["POST", "/documents/text"],
      ["POST", "/documents/upload"],
      ["DELETE", "/documents"],
      ["POST", "/graph/entity/edit"],
    ] as const) {
      const res = await call(app, method, path);
      expect(res.status, `${method} ${path}`).toBe(503);
      const body = (await res.json()) as Envelope;
      expect(body.error.code).toBe("read_only");
      expect(body.error.message).toMatch(/read-only/);
      expect(body.error.details).toMatchObject({ read_only: true, scope: "service" });
      expect(res.headers.get("Retry-After")).toBeTruthy();
    }
    for (const path of [
      "/query",
      "/query/data",
      "/api/chat",
      "/api/generate",
      "/documents/paginated",
      "/login",
      "/auth/refresh",
    ]) {
      expect((await call(app, "POST", path)).status, path).toBe(200);
    }
    expect((await call(app, "PUT", "/admin/flags")).status).toBe(200);
    expect((await call(app, "GET", "/documents")).status).toBe(200);
    expect((await call(app, "GET", "/graph/entity/exists")).status).toBe(200);
  });

  it("keeps PUT /admin/flags working in read-only mode", async () => {
    await putFlags({ READ_ONLY_MODE: true });
    expect((await putFlags({ ENHANCED_PROCESSING: false })).status).toBe(200);
  });

  it("locks a single workspace without touching the others", async () => {
    await putFlags({ workspace_read_only: { locked_ws: true } });
    const app = guardedApp();
    const locked = await call(app, "POST", "/documents/text", { "LIGHTRAG-WORKSPACE": "locked_ws" });
    expect(locked.status).toBe(503);
    expect(((await locked.json()) as Envelope).error.details).toMatchObject({
      scope: "workspace",
      workspace: "locked_ws",
    });
    expect((await call(app, "POST", "/documents/text", { "LIGHTRAG-WORKSPACE": "other" })).status).toBe(200);
    expect((await call(app, "POST", "/query", { "LIGHTRAG-WORKSPACE": "locked_ws" })).status).toBe(200);
    const state = (await (await putFlags({ workspace_read_only: { locked_ws: false } })).json()) as Record<
      string,
      unknown
    >;
    expect(state.read_only_workspaces).toEqual({});
    expect((await call(app, "POST", "/documents/text", { "LIGHTRAG-WORKSPACE": "locked_ws" })).status).toBe(
      200,
    );
  });

  it("honours the principal's workspace for locks", async () => {
    await putFlags({ workspace_read_only: { tenant_a: true } });
    const app = guardedApp({ userId: "u", role: "user", workspace: "tenant_a", via: "jwt" });
    expect((await call(app, "POST", "/documents/text")).status).toBe(503);
  });

  it("disables queries, uploads and MCP by flag", async () => {
    await putFlags({ ENABLE_QUERIES: false, DISABLE_DOCUMENT_UPLOAD: true, MCP_SERVER_ENABLED: false });
    const app = guardedApp();
    const query = await call(app, "POST", "/query");
    expect(query.status).toBe(503);
    expect(((await query.json()) as Envelope).error.message).toMatch(/ENABLE_QUERIES/);
    expect((await call(app, "POST", "/documents/upload")).status).toBe(503);
    expect((await call(app, "POST", "/documents/texts")).status).toBe(503);
    expect((await call(app, "DELETE", "/documents")).status).toBe(200);
    expect((await call(app, "GET", "/mcp")).status).toBe(503);
    await putFlags({ MCP_SERVER_ENABLED: true });
    expect((await call(app, "POST", "/mcp")).status).toBe(200);
  });

  it("takes effect in other isolates after the cache time, and survives an unreachable flags object", async () => {
    await putFlags({ READ_ONLY_MODE: true });
    forgetCachedFlags();
    expect((await currentFlagsFromEnv(env))?.READ_ONLY_MODE).toBe(true);
    const broken = {
      ...env,
      FLAGS: {
        idFromName: () => {
          throw new Error("down");
        },
      },
    };
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    // Cached state is served while fresh; with nothing cached the env defaults apply.
    expect((await currentFlagsFromEnv(broken as unknown as typeof env))?.READ_ONLY_MODE).toBe(true);
    forgetCachedFlags();
    expect((await currentFlagsFromEnv(broken as unknown as typeof env))?.READ_ONLY_MODE).toBe(false);
  });
});

describe("GET /health in open mode", () => {
  it("reports the flags in effect, overrides included", async () => {
    await putFlags({ READ_ONLY_MODE: true });
    const body = (await (await SELF.fetch("http://localhost/health")).json()) as {
      flags: Record<string, boolean>;
    };
    expect(body.flags).toMatchObject({ read_only_mode: true, enable_queries: true });
  });
});
