/**
 * Route classes and failure modes, through the real middleware (client IP, config, rate limit,
 * error handler) in front of routes that the auth, query and ingestion issues will provide.
 * The principal comes from a test-only header, standing in for the auth middleware.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Principal } from "../../src/auth/principal";
import type { Env } from "../../src/env";
import type { AppEnv } from "../../src/http/app-env";
import { onError } from "../../src/http/error-handler";
import { accessLog } from "../../src/http/middleware/access-log";
import { clientIp } from "../../src/http/middleware/client-ip";
import { configGuard } from "../../src/http/middleware/config-guard";
import { rateLimit } from "../../src/ratelimit/middleware";
import { burst, limitedEnv, uniqueIp } from "./helpers";

const app = new Hono<AppEnv>();
app.use(requestId({ headerName: "X-Request-ID" }));
app.use(clientIp);
app.use(accessLog);
app.use(configGuard);
app.use(async (c, next) => {
  const [via, userId, workspace, sessionId] = (c.req.header("X-Test-Principal") ?? "").split(":");
  if (via && userId && workspace) {
    c.set("principal", { via: via as Principal["via"], userId, workspace, role: "user", sessionId });
  }
  await next();
});
app.use(rateLimit);
for (const path of ["/login", "/query", "/documents/text", "/admin/audit"])
  app.post(path, (c) => c.text("ok"));
app.onError(onError);

async function post(testEnv: Env, path: string, headers: Record<string, string>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://x${path}`, { method: "POST", headers }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A namespace whose limiter objects always throw, as when the Durable Object cannot be reached. */
function unreachableLimiter(): Env["RATE_LIMITER"] {
  const broken = {
    idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
    get: () => ({ hit: () => Promise.reject(new Error("Durable Object unreachable")) }),
  };
  return broken as unknown as Env["RATE_LIMITER"];
}

afterEach(() => vi.restoreAllMocks());

describe("rate-limit classes", () => {
  it("limits auth routes per IP, whatever identity the caller presents", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_AUTH_LIMIT: "2" });
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (const user of ["a", "b", "c"]) {
      const res = await post(testEnv, "/login", {
        "CF-Connecting-IP": ip,
        "X-Test-Principal": `jwt:${user}:ws`,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect((await post(testEnv, "/login", { "CF-Connecting-IP": uniqueIp() })).status).toBe(200);
  });

  it("limits queries per API key, so two keys of one user from one IP do not share a quota", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_QUERY_LIMIT: "2" });
    const ip = uniqueIp();
    const tag = crypto.randomUUID();
    const keyA = { "CF-Connecting-IP": ip, "X-Test-Principal": `api_key:u-${tag}:ws:ka-${tag}` };
    const keyB = { "CF-Connecting-IP": ip, "X-Test-Principal": `api_key:u-${tag}:ws:kb-${tag}` };
    const a = await burst(3, () => post(testEnv, "/query", keyA));
    expect(a.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    expect((await post(testEnv, "/query", keyB)).status).toBe(200);
  });

  it("limits ingestion per workspace, across users and addresses", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_INGEST_LIMIT: "2" });
    const ws = `ws_${crypto.randomUUID().replaceAll("-", "")}`;
    const statuses: number[] = [];
    for (const user of ["a", "b", "c"]) {
      const headers = { "CF-Connecting-IP": uniqueIp(), "X-Test-Principal": `jwt:${user}:${ws}` };
      statuses.push((await post(testEnv, "/documents/text", headers)).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const other = { "CF-Connecting-IP": uniqueIp(), "X-Test-Principal": `jwt:a:${ws}_other` };
    expect((await post(testEnv, "/documents/text", other)).status).toBe(200);
  });

  it("limits admin routes per user, and keeps each class's quota apart", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_ADMIN_LIMIT: "1", RATE_LIMIT_QUERY_LIMIT: "1" });
    const user = `admin-${crypto.randomUUID()}`;
    const headers = { "CF-Connecting-IP": uniqueIp(), "X-Test-Principal": `jwt:${user}:ws` };
    expect((await post(testEnv, "/admin/audit", headers)).status).toBe(200);
    expect((await post(testEnv, "/admin/audit", { ...headers, "CF-Connecting-IP": uniqueIp() })).status).toBe(
      429,
    );
    expect((await post(testEnv, "/query", headers)).status).toBe(200);
  });
});

describe("when the limiter is unreachable", () => {
  it("refuses auth routes with 503 and Retry-After (fail closed), and logs it", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const testEnv = limitedEnv({ RATE_LIMITER: unreachableLimiter() });
    const res = await post(testEnv, "/login", { "CF-Connecting-IP": uniqueIp() });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("service_unavailable");
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.message === "rate limiter unavailable");
    expect(logged).toMatchObject({ level: "ERROR", fail_mode: "closed", limit_class: "auth" });
  });

  it("lets other routes through (fail open) without RateLimit headers, logged", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const testEnv = limitedEnv({ RATE_LIMITER: unreachableLimiter() });
    const res = await post(testEnv, "/query", { "CF-Connecting-IP": uniqueIp() });
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit-Limit")).toBeNull();
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.message === "rate limiter unavailable");
    expect(logged).toMatchObject({ fail_mode: "open", limit_class: "query", backend: "durable_object" });
  });

  it("follows RATE_LIMIT_FAIL_CLOSED: closed for the listed classes only", async () => {
    const testEnv = limitedEnv({
      RATE_LIMITER: unreachableLimiter(),
      RATE_LIMIT_FAIL_CLOSED: "query,ingest",
    });
    expect((await post(testEnv, "/query", { "CF-Connecting-IP": uniqueIp() })).status).toBe(503);
    expect((await post(testEnv, "/login", { "CF-Connecting-IP": uniqueIp() })).status).toBe(200);
  });

  it("treats a limiter slower than RATE_LIMIT_TIMEOUT_MS as unreachable", async () => {
    const hanging = {
      idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
      get: () => ({ hit: () => new Promise(() => undefined) }),
    } as unknown as Env["RATE_LIMITER"];
    const testEnv = limitedEnv({ RATE_LIMITER: hanging, RATE_LIMIT_TIMEOUT_MS: "50" });
    const started = Date.now();
    expect((await post(testEnv, "/login", { "CF-Connecting-IP": uniqueIp() })).status).toBe(503);
    expect((await post(testEnv, "/query", { "CF-Connecting-IP": uniqueIp() })).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("fails for real when the Upstash endpoint refuses connections", async () => {
    const testEnv = limitedEnv({
      RATE_LIMIT_BACKEND: "upstash",
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
      UPSTASH_REDIS_REST_TOKEN: "unused",
    });
    expect((await post(testEnv, "/login", { "CF-Connecting-IP": uniqueIp() })).status).toBe(503);
    expect((await post(testEnv, "/query", { "CF-Connecting-IP": uniqueIp() })).status).toBe(200);
  });

  it("refuses to start with the Upstash backend but no URL or token", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_BACKEND: "upstash" });
    const res = await post(testEnv, "/query", { "CF-Connecting-IP": uniqueIp() });
    expect(res.status).toBe(503);
  });
});
