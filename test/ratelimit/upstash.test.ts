/**
 * RATE_LIMIT_BACKEND=upstash inside workerd: the real app and @upstash/redis reach the Upstash
 * REST harness (started in Node by test/node/upstash-global-setup.ts) over HTTP, and the harness
 * runs the GCRA script on the real redis-server.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { readAggregate } from "../../src/observability/metrics-client";
import { seriesKey } from "../../src/observability/prometheus";
import { burst, limitedEnv, send, uniqueIp } from "./helpers";

let upstash: { url: string; token: string };

beforeAll(() => {
  const endpoint = inject("upstash");
  if ("error" in endpoint) throw new Error(`Upstash REST harness unavailable: ${endpoint.error}`);
  upstash = endpoint;
});
afterEach(() => vi.restoreAllMocks());

function upstashEnv(vars: Record<string, string> = {}): Env {
  return limitedEnv({
    RATE_LIMIT_BACKEND: "upstash",
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
    ...vars,
  });
}

describe("rate limits (Upstash backend, real redis-server)", () => {
  it("with a limit of 10, lets exactly 10 of 50 concurrent requests through", async () => {
    // A long window: one request refills every 60 s, so a slow machine cannot blur the count.
    const testEnv = upstashEnv({ RATE_LIMIT_DEFAULT_LIMIT: "10", RATE_LIMIT_DEFAULT_WINDOW_SECONDS: "600" });
    const ip = uniqueIp();
    const responses = await burst(50, () =>
      send(testEnv, "/health", { headers: { "CF-Connecting-IP": ip } }),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(10);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(40);
  });

  it("sets the same headers as the Durable Object backend", async () => {
    const testEnv = upstashEnv({ RATE_LIMIT_DEFAULT_LIMIT: "2" });
    const headers = { "CF-Connecting-IP": uniqueIp() };
    const first = await send(testEnv, "/health", { headers });
    expect(first.headers.get("RateLimit-Limit")).toBe("2");
    expect(first.headers.get("RateLimit-Remaining")).toBe("1");
    expect(first.headers.get("RateLimit-Reset")).toBe("30");
    await send(testEnv, "/health", { headers });
    const refused = await send(testEnv, "/health", { headers });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(28);
    expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(30);
  });

  it("gives the full quota back once a window has passed, and keeps addresses apart", async () => {
    const testEnv = upstashEnv({ RATE_LIMIT_DEFAULT_LIMIT: "3", RATE_LIMIT_DEFAULT_WINDOW_SECONDS: "1" });
    const [a, b] = [uniqueIp(), uniqueIp()];
    const first = await burst(20, () => send(testEnv, "/health", { headers: { "CF-Connecting-IP": a } }));
    expect(first.some((r) => r.status === 429)).toBe(true);
    const other = await send(testEnv, "/health", { headers: { "CF-Connecting-IP": b } });
    expect(other.headers.get("RateLimit-Remaining")).toBe("2");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await send(testEnv, "/health", { headers: { "CF-Connecting-IP": a } });
    expect(after.status).toBe(200);
    expect(after.headers.get("RateLimit-Remaining")).toBe("2");
  });

  it("counts every 429 and writes an audit line for each", async () => {
    const testEnv = upstashEnv({ RATE_LIMIT_DEFAULT_LIMIT: "5" });
    const ip = uniqueIp();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const series = seriesKey("lightrag_rate_limit_hits_total", { limit: "default" });
    const before = (await readAggregate(env)).samples.get(series) ?? 0;
    await burst(12, () => send(testEnv, "/health", { headers: { "CF-Connecting-IP": ip } }));
    const audits = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event_action === "rate_limited" && l.ip_address === ip);
    expect(audits).toHaveLength(7);
    expect(((await readAggregate(env)).samples.get(series) ?? 0) - before).toBe(7);
  });
});
