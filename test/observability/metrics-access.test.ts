import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Principal } from "../../src/auth/principal";
import type { Env } from "../../src/env";
import { metricsRoutes } from "../../src/http/routes/metrics";
import { appWithPrincipal } from "./helpers";

const TOKEN = "metrics-token-for-tests-0123456789";
const securedEnv = { ...(env as unknown as Env), AUTH_ENABLED: "true", METRICS_TOKEN: TOKEN };

const securedApp = (principal?: Principal) => appWithPrincipal(metricsRoutes, principal);

afterEach(() => vi.restoreAllMocks());

describe("/metrics access with authentication on", () => {
  it("accepts the METRICS_TOKEN as a bearer token", async () => {
    const res = await securedApp().request(
      "/metrics",
      { headers: { Authorization: `Bearer ${TOKEN}` } },
      securedEnv,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("# TYPE lightrag_requests_total counter");
  });

  it("refuses a missing or wrong token with 401 and audits the refusal", async () => {
    const spy = vi.spyOn(console, "log");
    expect((await securedApp().request("/metrics", {}, securedEnv)).status).toBe(401);
    const wrong = await securedApp().request(
      "/metrics",
      { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` } },
      securedEnv,
    );
    expect(wrong.status).toBe(401);
    const denied = spy.mock.calls
      .map(([line]) => JSON.parse(String(line)))
      .filter((line) => line.message === "audit" && line.event_action === "access_denied");
    expect(denied).toHaveLength(2);
    expect(denied[0]).toMatchObject({ level: "SECURITY", event_type: "authorization", outcome: "denied" });
  });

  it("lets administrators in without a token and keeps other roles out", async () => {
    const admin: Principal = { userId: "a", role: "admin", workspace: "default", via: "jwt" };
    const viewer: Principal = { userId: "v", role: "viewer", workspace: "default", via: "jwt" };
    expect((await securedApp(admin).request("/metrics", {}, securedEnv)).status).toBe(200);
    expect((await securedApp(viewer).request("/metrics", {}, securedEnv)).status).toBe(403);
  });

  it("needs an administrator when no METRICS_TOKEN is configured", async () => {
    const noToken = { ...securedEnv, METRICS_TOKEN: undefined };
    const res = await securedApp().request(
      "/metrics",
      { headers: { Authorization: "Bearer anything" } },
      noToken,
    );
    expect(res.status).toBe(401);
  });

  it("refuses to start with a METRICS_TOKEN too short to guard a public URL", async () => {
    const res = await securedApp().request("/metrics", {}, { ...securedEnv, METRICS_TOKEN: "short" });
    expect(res.status).toBe(503);
  });
});

describe("/metrics through the whole app with authentication on", () => {
  const appEnv = {
    ...securedEnv,
    JWT_SECRET_KEY: "observability-test-secret-of-32-chars!!",
  };

  it("serves a scraper presenting METRICS_TOKEN and refuses an anonymous caller", async () => {
    const app = createApp();
    const ok = await app.request("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } }, appEnv);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("# TYPE lightrag_request_duration_seconds histogram");
    expect((await app.request("/metrics", {}, appEnv)).status).toBe(401);
  });
});
