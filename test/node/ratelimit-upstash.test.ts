/**
 * The Upstash store against a real redis-server, through the Upstash REST harness: the GCRA
 * script's counts, resets, key independence and expiry. The middleware with this backend is
 * tested inside workerd (test/ratelimit/upstash.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { connectRedis, startUpstashHarness, type UpstashHarness } from "../../scripts/upstash-rest-harness";
import { UPSTASH_KEY_PREFIX, UpstashStore } from "../../src/ratelimit/upstash-store";

let harness: UpstashHarness;
let store: UpstashStore;
let redis: Awaited<ReturnType<typeof connectRedis>>;
const run = `test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const key = (name: string) => `${run}:${name}`;

beforeAll(async () => {
  harness = await startUpstashHarness();
  store = new UpstashStore({ url: harness.url, token: harness.token, timeoutMs: 2000 });
  redis = await connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
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
      Array.from({ length: 50 }, () => store.hit(key("burst"), { limit: 10, windowMs: 600_000 })),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining);
    expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused?.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("gives the full quota back once a window has passed", async () => {
    const rule = { limit: 3, windowMs: 1000 };
    const first = await Promise.all(Array.from({ length: 20 }, () => store.hit(key("reset"), rule)));
    expect(first.some((d) => !d.allowed)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.hit(key("reset"), rule)).toMatchObject({ allowed: true, remaining: 2 });
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
