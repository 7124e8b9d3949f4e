/**
 * The Upstash backend against a real redis-server, through the Upstash REST harness: the store's
 * GCRA script, and the rate-limit middleware with RATE_LIMIT_BACKEND=upstash.
 */
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { Redis as IoRedis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startUpstashHarness, type UpstashHarness } from "../../scripts/upstash-rest-harness";
import type { Env } from "../../src/env";
import type { AppEnv } from "../../src/http/app-env";
import { onError } from "../../src/http/error-handler";
import { accessLog } from "../../src/http/middleware/access-log";
import { clientIp } from "../../src/http/middleware/client-ip";
import { configGuard } from "../../src/http/middleware/config-guard";
import { rateLimit } from "../../src/ratelimit/middleware";
import { UPSTASH_KEY_PREFIX, UpstashStore } from "../../src/ratelimit/upstash-store";

let harness: UpstashHarness;
let store: UpstashStore;
let redis: IoRedis;
const run = `test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const key = (name: string) => `${run}:${name}`;

beforeAll(async () => {
  harness = await startUpstashHarness();
  store = new UpstashStore({ url: harness.url, token: harness.token, timeoutMs: 2000 });
  redis = new IoRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
});
afterAll(async () => {
  const keys = await redis.keys(`${UPSTASH_KEY_PREFIX}*${run}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await harness.close();
});
afterEach(() => vi.restoreAllMocks());

describe("UpstashStore (real redis-server)", () => {
  it("with a limit of 10, lets exactly 10 of 50 concurrent hits through", async () => {
    const decisions = await Promise.all(
      Array.from({ length: 50 }, () => store.hit(key("burst"), { limit: 10, windowMs: 60_000 })),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining);
    expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused?.retryAfterMs).toBeGreaterThan(5000);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(6000);
  });

  it("lets the full quota through again once the window has passed", async () => {
    const rule = { limit: 10, windowMs: 1000 };
    const first = await Promise.all(Array.from({ length: 12 }, () => store.hit(key("reset"), rule)));
    expect(first.filter((d) => d.allowed)).toHaveLength(10);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await Promise.all(Array.from({ length: 12 }, () => store.hit(key("reset"), rule)));
    expect(second.filter((d) => d.allowed)).toHaveLength(10);
  });

  it("keeps keys independent", async () => {
    const rule = { limit: 2, windowMs: 60_000 };
    await Promise.all([1, 2, 3].map(() => store.hit(key("a"), rule)));
    expect(await store.hit(key("a"), rule)).toMatchObject({ allowed: false });
    expect(await store.hit(key("b"), rule)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("stores one value per key that expires once the key is idle", async () => {
    await store.hit(key("ttl"), { limit: 4, windowMs: 8000 });
    const ttl = await redis.pttl(`${UPSTASH_KEY_PREFIX}${key("ttl")}`);
    // 2 s of the window spent plus 1 s of grace.
    expect(ttl).toBeGreaterThan(2000);
    expect(ttl).toBeLessThanOrEqual(3000);
  });

  it("rejects when the endpoint refuses the token", async () => {
    const wrong = new UpstashStore({ url: harness.url, token: "wrong", timeoutMs: 2000 });
    await expect(wrong.hit(key("auth"), { limit: 1, windowMs: 1000 })).rejects.toThrow(/Unauthorized/);
  });
});

describe("rate-limit middleware with RATE_LIMIT_BACKEND=upstash", () => {
  const batches: unknown[] = [];
  /** Stands in for the metrics Durable Object binding, recording what the real metrics module sends. */
  const metrics = {
    idFromName: (name: string) => name,
    get: () => ({ add: async (b: unknown) => batches.push(b) }),
  };

  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: "X-Request-ID" }));
  app.use(clientIp);
  app.use(accessLog);
  app.use(configGuard);
  app.use(rateLimit);
  app.get("/health", (c) => c.json({ status: "healthy" }));
  app.onError(onError);

  function testEnv(vars: Record<string, string> = {}): Env {
    return {
      RATE_LIMIT_ENABLED: "true",
      RATE_LIMIT_BACKEND: "upstash",
      UPSTASH_REDIS_REST_URL: harness.url,
      UPSTASH_REDIS_REST_TOKEN: harness.token,
      AUDIT_LOGGING_ENABLED: "false",
      METRICS: metrics,
      ...vars,
    } as unknown as Env;
  }

  it("with a limit of 10, answers 10 of 50 concurrent requests and 429 with headers to the rest", async () => {
    const env = testEnv({ RATE_LIMIT_DEFAULT_LIMIT: "10" });
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}-${run}`;
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    batches.length = 0;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => app.request("/health", { headers: { "CF-Connecting-IP": ip } }, env)),
    );
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    expect(ok.map((r) => r.headers.get("RateLimit-Limit"))).toEqual(Array(10).fill("10"));
    expect(ok.map((r) => Number(r.headers.get("RateLimit-Remaining"))).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    for (const r of refused) {
      expect(Number(r.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get("RateLimit-Remaining")).toBe("0");
      expect(r.headers.get("RateLimit-Policy")).toBe("10;w=60");
    }
    const audits = lines.map((l) => JSON.parse(l)).filter((l) => l.event_action === "rate_limited");
    expect(audits).toHaveLength(40);
    expect(audits[0]).toMatchObject({ level: "SECURITY", outcome: "denied", ip_address: ip });
    // Metrics leave in background batches; give them a moment.
    await vi.waitFor(() => expect(countHits(batches)).toBe(40));
  });

  it("fails open for the default class when the endpoint is down, closed when configured", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const down = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
    const open = await app.request(
      "/health",
      { headers: { "CF-Connecting-IP": "198.51.100.1" } },
      testEnv(down),
    );
    expect(open.status).toBe(200);
    const closed = await app.request(
      "/health",
      { headers: { "CF-Connecting-IP": "198.51.100.1" } },
      testEnv({ ...down, RATE_LIMIT_FAIL_CLOSED: "default" }),
    );
    expect(closed.status).toBe(503);
  });
});

/** Sum of lightrag_rate_limit_hits_total samples in the batches sent to the metrics binding. */
function countHits(batches: unknown[]): number {
  let total = 0;
  for (const batch of batches as { samples: [string, number][] }[]) {
    for (const [series, value] of batch.samples) {
      if (series.startsWith("lightrag_rate_limit_hits_total")) total += value;
    }
  }
  return total;
}
