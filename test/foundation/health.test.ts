import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { isHealthy, runChecks, SKIP } from "../../src/observability/health";
import { configurationMismatches } from "./lightrag-health-shape";

const app = createApp();
const strongSecret = "x".repeat(40);

/** An env whose coordinator Durable Object fails every call. */
function withBrokenCoordinator(base: object) {
  const broken = {
    idFromName: () => ({}),
    get: () => ({ ping: () => Promise.reject(new Error("coordinator unreachable")) }),
  };
  return { ...base, COORDINATOR: broken };
}

function withBrokenD1(base: object) {
  const broken = {
    prepare: () => ({ first: () => Promise.reject(new Error("D1_ERROR: database unavailable")) }),
  };
  return { ...base, DB: broken };
}

describe("GET /health/live", () => {
  it("answers 200 without touching any binding", async () => {
    const res = await app.request("/health/live", {}, withBrokenD1(withBrokenCoordinator(env)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: expect.any(String) });
  });

  it("stays up even when the config is refused", async () => {
    const res = await app.request("/health/live", {}, { ...env, LOG_LEVEL: "LOUD" });
    expect(res.status).toBe(200);
  });
});

describe("GET /health/ready", () => {
  it("passes config, D1 and Durable Object checks", async () => {
    const res = await SELF.fetch("http://localhost/health/ready");
    expect(res.status).toBe(200);
    const body = await res.json<{
      status: string;
      checks: { name: string; status: string; latency_ms: number }[];
    }>();
    expect(body.status).toBe("ready");
    expect(body.checks.map((check) => [check.name, check.status])).toEqual([
      ["config", "pass"],
      ["d1", "pass"],
      ["durable_objects", "pass"],
    ]);
    for (const check of body.checks) expect(check.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("answers 503 naming the failing dependency", async () => {
    const res = await app.request("/health/ready", {}, withBrokenD1(env));
    expect(res.status).toBe(503);
    const body = await res.json<{
      status: string;
      checks: { name: string; status: string; message?: string }[];
    }>();
    expect(body.status).toBe("not_ready");
    expect(body.checks.find((check) => check.name === "d1")).toMatchObject({
      status: "fail",
      message: "D1_ERROR: database unavailable",
    });
    expect(body.checks.find((check) => check.name === "durable_objects")?.status).toBe("pass");
  });

  it("answers 503 when the Durable Object is unreachable", async () => {
    const res = await app.request("/health/ready", {}, withBrokenCoordinator(env));
    expect(res.status).toBe(503);
    const body = await res.json<{ checks: { name: string; status: string }[] }>();
    expect(body.checks.find((check) => check.name === "durable_objects")?.status).toBe("fail");
  });

  it("refuses an insecure production config with the reasons", async () => {
    const res = await app.request("/health/ready", {}, { ...env, NODE_ENV: "production", DEBUG: "false" });
    expect(res.status).toBe(503);
    const body = await res.json<{ checks: { name: string; status: string; message?: string }[] }>();
    const config = body.checks.find((check) => check.name === "config");
    expect(config?.status).toBe("fail");
    expect(config?.message).toContain("AUTH_ENABLED: must be true outside development");
    expect(config?.message).toContain("JWT_SECRET_KEY: is required in production");
  });

  it("is ready in production once the settings are secure", async () => {
    const production = {
      ...env,
      NODE_ENV: "production",
      DEBUG: "false",
      AUTH_ENABLED: "true",
      JWT_SECRET_KEY: strongSecret,
    };
    const res = await app.request("/health/ready", {}, production);
    expect(res.status).toBe(200);
  });

  it("names a variable with a bad value", async () => {
    const res = await app.request("/health/ready", {}, { ...env, LOG_LEVEL: "LOUD" });
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toContain("LOG_LEVEL: ");
  });
});

describe("refused configuration", () => {
  it("answers 503 on every non-health route, with the envelope", async () => {
    const res = await app.request("/documents", {}, { ...env, NODE_ENV: "production", DEBUG: "false" });
    expect(res.status).toBe(503);
    const body = await res.json<{ error: { code: string; message: string; request_id: string } }>();
    expect(body.error.code).toBe("service_unavailable");
    expect(body.error.message).toContain("/health/ready");
    expect(body.error.request_id).toBe(res.headers.get("X-Request-ID"));
  });
});

describe("GET /health", () => {
  it("reports LightRAG's fields and every dependency", async () => {
    const res = await SELF.fetch("http://localhost/health");
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      status: "healthy",
      auth_mode: "disabled",
      core_version: "1.5.7",
      api_version: "0329",
      webui_available: expect.any(Boolean),
      webui_title: expect.any(String),
      webui_description: expect.any(String),
      pipeline_busy: false,
      pipeline_active: false,
      environment: "development",
      workspace: "default",
      version: expect.any(String),
    });
    const names = (body.dependencies as { name: string; status: string }[]).map(
      (dep) => `${dep.name}:${dep.status}`,
    );
    expect(names).toEqual([
      "config:pass",
      "d1:pass",
      "durable_objects:pass",
      "kv:pass",
      "r2:pass",
      "queue:pass",
      "workers_ai:skip",
    ]);
  });

  it("says webui_available exactly when the static assets serve /webui/ (the built UI, npm test builds it)", async () => {
    // SELF reaches the Worker, not the asset router; the assets binding is what /health asks.
    const page = await env.ASSETS.fetch("http://localhost/webui/");
    const body = await (await SELF.fetch("http://localhost/health")).json<Record<string, unknown>>();
    expect(body.webui_available).toBe(page.status === 200);
  });

  it("says webui_available: false without the UI's assets", async () => {
    const empty = { fetch: async () => new Response(null, { status: 404 }) };
    const missing = await app.request("/health", {}, { ...env, ASSETS: empty });
    expect((await missing.json<Record<string, unknown>>()).webui_available).toBe(false);
    const unbound = await app.request("/health", {}, { ...env, ASSETS: undefined });
    expect((await unbound.json<Record<string, unknown>>()).webui_available).toBe(false);
  });

  it("says webui_available: true once the static assets carry /webui/", async () => {
    const asked: string[] = [];
    const assets = {
      fetch: async (input: RequestInfo | URL) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
        asked.push(path);
        return path.startsWith("/webui/")
          ? new Response("<!doctype html>")
          : new Response(null, { status: 404 });
      },
    };
    const res = await app.request("/health", {}, { ...env, ASSETS: assets });
    expect((await res.json<Record<string, unknown>>()).webui_available).toBe(true);
    expect(asked.every((path) => path.startsWith("/webui/"))).toBe(true);
  });

  it("shows flags and configuration in open mode only", async () => {
    const open = await (await SELF.fetch("http://localhost/health")).json<Record<string, unknown>>();
    expect(open.flags).toMatchObject({ auth_enabled: false, read_only_mode: false });
    expect(open.configuration).toMatchObject({ llm_binding: "local", workspace: "default" });

    const closed = await app.request("/health", {}, { ...env, AUTH_ENABLED: "true" });
    const body = await closed.json<Record<string, unknown>>();
    expect(body.auth_mode).toBe("enabled");
    expect(body).not.toHaveProperty("flags");
    expect(body).not.toHaveProperty("configuration");
  });

  it("sends every key of LightRAG's configuration block with LightRAG's types, values from config", async () => {
    const res = await app.request(
      "/health",
      {},
      { ...env, FORCE_LLM_SUMMARY_ON_MERGE: "5", SUMMARY_LANGUAGE: "German" },
    );
    const body = await res.json<{ configuration: Record<string, unknown> }>();
    expect(configurationMismatches(body.configuration)).toEqual([]);
    expect(body.configuration).toMatchObject({
      force_llm_summary_on_merge: 5,
      summary_language: "German",
      cosine_threshold: 0.2,
      enable_rerank: false,
    });
    // LightRAG's WebUI status card reads these per role.
    expect(body.configuration.role_llm_config).toMatchObject({
      query: { binding: "local", model: expect.any(String), host: null, max_async: expect.any(Number) },
    });
  });

  it("reads the pipeline of the workspace named in LIGHTRAG-WORKSPACE", async () => {
    const res = await SELF.fetch("http://localhost/health", { headers: { "LIGHTRAG-WORKSPACE": "team_a" } });
    expect((await res.json<{ workspace: string }>()).workspace).toBe("team_a");
  });

  it("rejects a malformed workspace header with 400", async () => {
    const res = await SELF.fetch("http://localhost/health", {
      headers: { "LIGHTRAG-WORKSPACE": "../other" },
    });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("bad_request");
  });

  it("answers 503 unhealthy when a critical dependency fails", async () => {
    const res = await app.request("/health", {}, withBrokenCoordinator(env));
    expect(res.status).toBe(503);
    expect((await res.json<{ status: string }>()).status).toBe("unhealthy");
  });
});

describe("runChecks", () => {
  it("times out a hanging probe without failing the others", async () => {
    const results = await runChecks(
      [
        { name: "hangs", critical: true, run: () => new Promise(() => {}) },
        { name: "fine", critical: true, run: async () => undefined },
        { name: "n/a", critical: true, run: async () => SKIP },
      ],
      50,
    );
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["hangs", "fail"],
      ["fine", "pass"],
      ["n/a", "skip"],
    ]);
    expect(results[0]?.message).toBe("timed out after 50 ms");
    expect(isHealthy(results)).toBe(false);
  });

  it("ignores failures of non-critical probes", async () => {
    const results = await runChecks([
      { name: "optional", critical: false, run: () => Promise.reject(new Error("down")) },
    ]);
    expect(isHealthy(results)).toBe(true);
  });
});
