/**
 * Each class on the service's real routes (open mode, so callers are counted per IP and
 * ingestion per workspace): the limiter answers before the route reads or checks anything.
 */
import { describe, expect, it } from "vitest";
import { limitedEnv, send, uniqueIp } from "./helpers";

const form = (ip: string) => ({
  method: "POST",
  headers: { "CF-Connecting-IP": ip, "Content-Type": "application/x-www-form-urlencoded" },
  body: "username=nobody&password=wrong",
});
const json = (headers: Record<string, string>, body: unknown = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

describe("rate limits on the real routes", () => {
  it("refuses the third /login from one IP with a limit of 2, before credentials are checked", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_AUTH_LIMIT: "2" });
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(testEnv, "/login", form(ip))).status);
    expect(statuses[0]).not.toBe(429);
    expect(statuses[1]).not.toBe(429);
    expect(statuses[2]).toBe(429);
    expect((await send(testEnv, "/login", form(uniqueIp()))).status).not.toBe(429);
  });

  it("counts /query per caller, even requests the route then rejects", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_QUERY_LIMIT: "1" });
    const ip = uniqueIp();
    const first = await send(testEnv, "/query", json({ "CF-Connecting-IP": ip }));
    expect(first.status).toBe(422);
    expect(first.headers.get("RateLimit-Remaining")).toBe("0");
    expect((await send(testEnv, "/query", json({ "CF-Connecting-IP": ip }))).status).toBe(429);
  });

  it("counts document writes per workspace across addresses", async () => {
    const testEnv = limitedEnv({ RATE_LIMIT_INGEST_LIMIT: "1" });
    const workspace = `rl_${crypto.randomUUID().replaceAll("-", "")}`;
    const write = (ws: string) => json({ "CF-Connecting-IP": uniqueIp(), "LIGHTRAG-WORKSPACE": ws });
    expect((await send(testEnv, "/documents/text", write(workspace))).status).not.toBe(429);
    expect((await send(testEnv, "/documents/text", write(workspace))).status).toBe(429);
    expect((await send(testEnv, "/documents/text", write(`${workspace}_b`))).status).not.toBe(429);
  });
});
