/**
 * Bad credentials must not bypass the rate limiter (else API keys and tokens could be guessed
 * at full speed), and a route with its own bearer secret (/metrics) must not be reported as a
 * failed login on every scrape.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { limitedEnv, send, uniqueIp } from "../ratelimit/helpers";

afterEach(() => vi.restoreAllMocks());

describe("credential floods", () => {
  const limited = limitedEnv({ RATE_LIMIT_QUERY_LIMIT: "2" });
  const query = (ip: string, headers: Record<string, string>) => ({
    method: "POST",
    headers: { "CF-Connecting-IP": ip, "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ query: "who founded acme?" }),
  });

  it.each([
    ["a garbage bearer token", { Authorization: "Bearer not.a.token" }],
    ["a wrong API key", { "X-API-Key": "guess-0000000000000000" }],
  ])("limits guesses with %s per address", async (_name, headers) => {
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(limited, "/query", query(ip, headers))).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect((await send(limited, "/query", query(uniqueIp(), headers))).status).toBe(401);
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  it("is not recorded as a rejected token", async () => {
    const token = "metrics-token-for-the-flood-test-0123";
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(String(line)));
    const res = await send({ ...env, METRICS_TOKEN: token } as Env, "/metrics", {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(lines.filter((line) => line.includes("token_rejected"))).toEqual([]);
  });
});
