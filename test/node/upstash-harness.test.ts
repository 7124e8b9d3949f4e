/** The Upstash REST harness answers @upstash/redis the way Upstash does, backed by a real redis-server. */
import { Redis } from "@upstash/redis/cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashHarness, type UpstashHarness } from "../../scripts/upstash-rest-harness";

let harness: UpstashHarness;
let redis: Redis;
const prefix = `harness-test:${Date.now()}:`;

beforeAll(async () => {
  harness = await startUpstashHarness();
  redis = new Redis({ url: harness.url, token: harness.token, retry: false, enableTelemetry: false });
});
afterAll(async () => {
  await redis.del(`${prefix}text`, `${prefix}n`, `${prefix}tx`);
  await harness.close();
});

describe("Upstash REST harness", () => {
  it("round-trips strings through base64 replies, including non-ASCII text", async () => {
    expect(await redis.set(`${prefix}text`, "héllo wörld ✓")).toBe("OK");
    expect(await redis.get(`${prefix}text`)).toBe("héllo wörld ✓");
    expect(await redis.get(`${prefix}missing`)).toBeNull();
  });

  it("returns base64 only when asked", async () => {
    await redis.set(`${prefix}text`, "plain");
    const post = (encoding?: string) =>
      fetch(harness.url, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${harness.token}`,
          ...(encoding ? { "Upstash-Encoding": encoding } : {}),
        },
        body: JSON.stringify(["GET", `${prefix}text`]),
      }).then((r) => r.json());
    expect(await post()).toEqual({ result: "plain" });
    expect(await post("base64")).toEqual({ result: Buffer.from("plain").toString("base64") });
  });

  it("runs /pipeline in order and reports each command's error on its own", async () => {
    const results = await redis
      .pipeline()
      .set(`${prefix}n`, 1)
      .incr(`${prefix}n`)
      .lpush(`${prefix}n`, "x")
      .get(`${prefix}n`)
      .exec({ keepErrors: true });
    expect(results.map((r) => r.error ?? r.result)).toEqual([
      "OK",
      2,
      "WRONGTYPE Operation against a key holding the wrong kind of value",
      2,
    ]);
  });

  it("runs /multi-exec as one transaction", async () => {
    const results = await redis
      .multi()
      .set(`${prefix}tx`, "a")
      .append(`${prefix}tx`, "b")
      .get(`${prefix}tx`)
      .exec();
    expect(results).toEqual(["OK", 2, "ab"]);
  });

  it("answers a failing command with 400 and its message, and refuses a wrong token", async () => {
    await expect(redis.incr(`${prefix}text`)).rejects.toThrow(/not an integer/);
    const res = await fetch(harness.url, {
      method: "POST",
      headers: { Authorization: "Bearer wrong" },
      body: JSON.stringify(["PING"]),
    });
    expect(res.status).toBe(401);
  });

  it("runs Lua scripts, with EVALSHA falling back to EVAL", async () => {
    const script = redis.createScript<number>("return tonumber(ARGV[1]) + 1");
    expect(await script.exec([], ["41"])).toBe(42);
  });
});
