/** Route classes, limiter keys and client addresses. */
import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal";
import { parseConfig } from "../../src/config";
import { resolveClientIp } from "../../src/http/middleware/client-ip";
import { ipKey } from "../../src/ratelimit/ip-key";
import { limiterKey, routeClass, ruleFor } from "../../src/ratelimit/policy";

const user = (via: Principal["via"], extra: Partial<Principal> = {}): Principal => ({
  userId: "u1",
  role: "user",
  workspace: "ws_a",
  via,
  ...extra,
});

describe("routeClass", () => {
  it.each([
    ["POST", "/login", "auth"],
    ["POST", "/auth/refresh", "auth"],
    ["POST", "/query", "query"],
    ["POST", "/query/stream", "query"],
    ["POST", "/query/data", "query"],
    ["POST", "/api/chat", "query"],
    ["POST", "/api/generate", "query"],
    ["POST", "/api/query", "query"],
    ["POST", "/documents/upload", "ingest"],
    ["DELETE", "/documents/delete_document", "ingest"],
    ["GET", "/documents", "default"],
    ["POST", "/documents/paginated", "default"],
    ["POST", "/documents/clear_cache", "ingest"],
    ["GET", "/admin/audit", "admin"],
    ["GET", "/health", "default"],
    ["GET", "/auth-status", "default"],
    ["GET", "/queryx", "default"],
    ["GET", "/health/live", null],
    ["GET", "/health/ready", null],
  ])("%s %s → %s", (method, path, expected) => {
    expect(routeClass(method, path)).toBe(expected);
  });
});

describe("limiterKey", () => {
  it("counts auth routes per IP whoever the caller claims to be", () => {
    expect(limiterKey("auth", { clientIp: "203.0.113.9", principal: user("jwt") })).toBe(
      "auth:ip:203.0.113.9",
    );
  });
  it("counts queries per API key, else per user", () => {
    const key = user("api_key", { sessionId: "k_1" });
    expect(limiterKey("query", { clientIp: "203.0.113.9", principal: key })).toBe("query:key:k_1");
    expect(limiterKey("query", { clientIp: "203.0.113.9", principal: user("jwt") })).toBe("query:user:u1");
  });
  it("counts ingestion per workspace, admin per user", () => {
    expect(limiterKey("ingest", { clientIp: "203.0.113.9", principal: user("jwt") })).toBe("ingest:ws:ws_a");
    expect(limiterKey("ingest", { clientIp: "203.0.113.9", principal: user("open") })).toBe("ingest:ws:ws_a");
    expect(limiterKey("admin", { clientIp: "203.0.113.9", principal: user("jwt") })).toBe("admin:user:u1");
  });
  it("counts a request the caller will be refused on the caller's own key, never the workspace's", () => {
    const caller = { clientIp: "203.0.113.9", refused: true };
    expect(limiterKey("ingest", { ...caller, principal: user("jwt") })).toBe("ingest:user:u1");
    const key = user("api_key", { sessionId: "k_1" });
    expect(limiterKey("ingest", { ...caller, principal: key })).toBe("ingest:key:k_1");
    expect(limiterKey("admin", { ...caller, principal: user("jwt") })).toBe("admin:user:u1");
    expect(limiterKey("auth", { ...caller, principal: user("jwt") })).toBe("auth:ip:203.0.113.9");
  });
  it("counts anonymous callers and open-mode guests per IP", () => {
    expect(limiterKey("query", { clientIp: "203.0.113.9" })).toBe("query:ip:203.0.113.9");
    expect(limiterKey("query", { clientIp: "203.0.113.9", principal: user("open") })).toBe(
      "query:ip:203.0.113.9",
    );
    expect(limiterKey("ingest", { clientIp: "203.0.113.9" })).toBe("ingest:ip:203.0.113.9");
  });
});

describe("ruleFor", () => {
  it("reads the class's limit and window from the config", () => {
    const { config } = parseConfig({ RATE_LIMIT_QUERY_LIMIT: "7", RATE_LIMIT_QUERY_WINDOW_SECONDS: "30" });
    expect(config && ruleFor("query", config)).toEqual({ limit: 7, windowMs: 30_000 });
    expect(config && ruleFor("auth", config)).toEqual({ limit: 10, windowMs: 60_000 });
  });
});

describe("ipKey", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"],
    ["2001:DB8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["test-ip", "test-ip"],
    ["1:2:3", "1:2:3"],
  ])("%s → %s", (address, expected) => {
    expect(ipKey(address)).toBe(expected);
  });
});

describe("resolveClientIp", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);
  it("uses CF-Connecting-IP and ignores X-Forwarded-For unless the proxy is trusted", () => {
    const h = headers({ "CF-Connecting-IP": "203.0.113.9", "X-Forwarded-For": "1.2.3.4" });
    expect(resolveClientIp(h, false)).toBe("203.0.113.9");
    expect(resolveClientIp(h, true)).toBe("1.2.3.4");
  });
  it("takes the rightmost X-Forwarded-For entry, the one the trusted proxy appended", () => {
    const h = headers({ "X-Forwarded-For": "6.6.6.6, 198.51.100.7" });
    expect(resolveClientIp(h, true)).toBe("198.51.100.7");
  });
  it("accepts opaque tokens such as test-ip, refuses junk, and falls back to unknown", () => {
    expect(resolveClientIp(headers({ "X-Forwarded-For": "test-ip" }), true)).toBe("test-ip");
    expect(
      resolveClientIp(headers({ "X-Forwarded-For": "<script>", "CF-Connecting-IP": "203.0.113.9" }), true),
    ).toBe("203.0.113.9");
    expect(resolveClientIp(headers({}), true)).toBe("unknown");
  });
});
