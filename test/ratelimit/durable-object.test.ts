/** Rate limits on the Durable Object backend, through the real app and the real limiter objects. */
import { env, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readAggregate } from "../../src/observability/metrics-client";
import { seriesKey } from "../../src/observability/prometheus";
import { burst, limitedEnv, send, uniqueIp } from "./helpers";

const HITS = seriesKey("lightrag_rate_limit_hits_total", { limit: "default" });

async function hitsTotal(): Promise<number> {
  return (await readAggregate(env)).samples.get(HITS) ?? 0;
}

afterEach(() => vi.restoreAllMocks());

describe("rate limits (Durable Object backend)", () => {
  it("adds nothing when RATE_LIMIT_ENABLED is false (the local default)", async () => {
    const res = await SELF.fetch("http://x/health", { headers: { "CF-Connecting-IP": uniqueIp() } });
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit-Limit")).toBeNull();
  });

  it("with a limit of 10, lets exactly 10 of 50 concurrent requests through", async () => {
    // A long window: one request refills every 60 s, so a slow machine cannot blur the count.
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "10", RATE_LIMIT_DEFAULT_WINDOW_SECONDS: "600" });
    const ip = uniqueIp();
    const responses = await burst(50, () =>
      send(testEnv, "/health", { headers: { "CF-Connecting-IP": ip } }),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
  });

  it("answers 429 with the error envelope, Retry-After and RateLimit headers", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "2", RATE_LIMIT_DEFAULT_WINDOW_SECONDS: "60" });
    const headers = { "CF-Connecting-IP": uniqueIp(), "X-Request-ID": "rl-test-1" };
    const first = await send(testEnv, "/health", { headers });
    expect(first.status).toBe(200);
    expect(first.headers.get("RateLimit-Limit")).toBe("2");
    expect(first.headers.get("RateLimit-Remaining")).toBe("1");
    expect(first.headers.get("RateLimit-Reset")).toBe("30");
    expect(first.headers.get("RateLimit-Policy")).toBe("2;w=60");
    const second = await send(testEnv, "/health", { headers });
    expect(second.headers.get("RateLimit-Remaining")).toBe("0");
    // Whole seconds, rounded up; a loaded machine may take a second between two requests.
    expect(Number(second.headers.get("RateLimit-Reset"))).toBeGreaterThanOrEqual(59);
    expect(Number(second.headers.get("RateLimit-Reset"))).toBeLessThanOrEqual(60);
    const refused = await send(testEnv, "/health", { headers });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(28);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    expect(refused.headers.get("RateLimit-Limit")).toBe("2");
    expect(await refused.json()).toEqual({
      error: {
        code: "rate_limited",
        message: `Too many requests; retry after ${retryAfter} s`,
        request_id: "rl-test-1",
        details: { limit: 2, window_seconds: 60, retry_after_seconds: retryAfter },
      },
    });
  });

  it("exposes the RateLimit headers and Retry-After to browsers", async () => {
    const testEnv = limitedEnv();
    const res = await send(testEnv, "/health", {
      headers: { "CF-Connecting-IP": uniqueIp(), Origin: "https://app.example.com" },
    });
    const exposed = (res.headers.get("Access-Control-Expose-Headers") ?? "").split(",");
    for (const name of [
      "Retry-After",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "RateLimit-Policy",
    ]) {
      expect(exposed).toContain(name);
    }
  });

  it("gives the full quota back once a window has passed", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "3", RATE_LIMIT_DEFAULT_WINDOW_SECONDS: "1" });
    const headers = { "CF-Connecting-IP": uniqueIp() };
    // However slowly a loaded machine sends them, a burst this size overruns 3 per second.
    const first = await burst(20, () => send(testEnv, "/health", { headers }));
    expect(first.some((r) => r.status === 429)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await send(testEnv, "/health", { headers });
    expect(after.status).toBe(200);
    expect(after.headers.get("RateLimit-Remaining")).toBe("2");
  });

  it("counts each client address on its own key", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "3" });
    const [a, b] = [uniqueIp(), uniqueIp()];
    const fromA = await burst(5, () => send(testEnv, "/health", { headers: { "CF-Connecting-IP": a } }));
    expect(fromA.filter((r) => r.status === 429)).toHaveLength(2);
    const fromB = await send(testEnv, "/health", { headers: { "CF-Connecting-IP": b } });
    expect(fromB.status).toBe(200);
    expect(fromB.headers.get("RateLimit-Remaining")).toBe("2");
  });

  it("ignores X-Forwarded-For by default, so a client cannot pick a fresh address per request", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "3" });
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const headers = { "CF-Connecting-IP": ip, "X-Forwarded-For": `10.0.0.${i}` };
      statuses.push((await send(testEnv, "/health", { headers })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("limits by X-Forwarded-For behind TRUSTED_PROXY (the seed's `X-Forwarded-For: test-ip` check)", async () => {
    const token = `test-ip-${uniqueIp().replaceAll(".", "-")}`;
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "3", TRUSTED_PROXY: "true" });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      // A different proxy address each time: the client address the proxy forwards is what counts.
      const headers = { "CF-Connecting-IP": uniqueIp(), "X-Forwarded-For": token };
      statuses.push((await send(testEnv, "/health", { headers })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("never limits the liveness and readiness probes", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "1" });
    const headers = { "CF-Connecting-IP": uniqueIp() };
    const responses = await burst(3, () => send(testEnv, "/health/live", { headers }));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(responses[0]?.headers.get("RateLimit-Limit")).toBeNull();
  });

  it("counts every 429 in lightrag_rate_limit_hits_total, logs an audit line for each, stores the episode once", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_DEFAULT_LIMIT: "10" });
    const ip = uniqueIp();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const before = await hitsTotal();
    const responses = await burst(30, () =>
      send(testEnv, "/health", { headers: { "CF-Connecting-IP": ip } }),
    );
    expect(responses.filter((r) => r.status === 429)).toHaveLength(20);
    const audits = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter(
        (line) => line.message === "audit" && line.event_action === "rate_limited" && line.ip_address === ip,
      );
    expect(audits).toHaveLength(20);
    expect(audits[0]).toMatchObject({
      level: "SECURITY",
      event_type: "authorization",
      outcome: "denied",
      additional_data: { limit_class: "default", limit: 10, window_seconds: 60 },
    });
    expect((await hitsTotal()) - before).toBe(20);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_events WHERE event_action = 'rate_limited' AND ip_address = ?",
    )
      .bind(ip)
      .first<{ n: number }>();
    // The audit table keeps one row per key and window: a flood of 429s is not a flood of D1 writes.
    expect(rows?.n).toBe(1);
  });
});
