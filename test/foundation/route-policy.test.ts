/**
 * The route policy table against the routes the app really registers: every route has exactly
 * one declaration, no declaration names a route that does not exist (future routes are listed
 * apart as reserved), each route's concrete paths find their own line, and the middleware all
 * read the one object looked up per request.
 */
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { AppEnv } from "../../src/http/app-env";
import { resolveRoutePolicy, routePolicyOf } from "../../src/http/middleware/route-policy";
import { RESERVED_ROUTE_POLICIES, ROUTE_POLICIES, type RoutePolicy } from "../../src/http/route-policy";
import { lookupRoutePolicy, routePolicyFor } from "../../src/http/route-policy-lookup";

/**
 * `METHOD pattern` of every route the app registers. Middleware (`app.use`) shows up as `ALL`
 * on a wildcard pattern and is left out; a route module's `.all("/path")` route is kept.
 */
function registeredRoutes(): string[] {
  const keys = createApp()
    .routes.filter((route) => !(route.method === "ALL" && route.path.endsWith("*")))
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(keys)].sort();
}

const declared = Object.keys(ROUTE_POLICIES).sort();
const reserved = Object.keys(RESERVED_ROUTE_POLICIES).sort();
const policies: Record<string, RoutePolicy> = ROUTE_POLICIES;

/** A concrete path of a pattern: each `:param` filled in. */
const concrete = (pattern: string) => pattern.replace(/:[A-Za-z_]+/g, "x-1");

describe("route policy table", () => {
  it("declares every registered route", () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(50);
    expect(registered.filter((key) => !(key in ROUTE_POLICIES))).toEqual([]);
  });

  it("declares no route that is not registered; reserved future routes are not registered yet", () => {
    const registered = new Set(registeredRoutes());
    expect(declared.filter((key) => !registered.has(key))).toEqual([]);
    expect(reserved.filter((key) => registered.has(key))).toEqual([]);
    expect(reserved.filter((key) => key in ROUTE_POLICIES)).toEqual([]);
  });

  it("finds each route's own line from a concrete path, HEAD under GET", () => {
    for (const key of [...declared, ...reserved]) {
      const [method = "", pattern = ""] = key.split(" ");
      expect(lookupRoutePolicy(method, concrete(pattern))?.key, key).toBe(key);
      if (method === "GET") expect(lookupRoutePolicy("HEAD", concrete(pattern))?.key, key).toBe(key);
    }
    expect(lookupRoutePolicy("GET", "/webui/index.html")).toBeUndefined();
    expect(lookupRoutePolicy("GET", "/documentsx")).toBeUndefined();
  });

  it("keeps the rules that hold for every route", () => {
    for (const key of declared) {
      const policy = policies[key] as RoutePolicy;
      const [method = "", path = ""] = key.split(" ");
      // A viewer can never change state, and reads are never switched off by read-only mode.
      if (policy.access === "viewer") expect(policy.write, key).toBe(false);
      if (method === "GET") expect(policy.write, key).toBe(false);
      if (policy.readOnlyExempt) expect(policy.write, key).toBe(true);
      // Administration needs an administrator, whatever the method.
      if (path.startsWith("/admin/")) expect([policy.access, policy.rate], key).toEqual(["admin", "admin"]);
      // Large bodies only where the route reads one.
      if (policy.body !== "json" && policy.body !== "form") expect(method, key).toBe("POST");
    }
  });

  it("gives an undeclared request the default-deny policy", () => {
    expect(routePolicyFor("PUT", "/some/future/route")).toMatchObject({ access: "user", write: true });
    expect(routePolicyFor("GET", "/some/future/route")).toMatchObject({ access: "viewer", write: false });
    expect(routePolicyFor("POST", "/admin/future")).toMatchObject({ access: "admin", rate: "admin" });
  });
});

describe("resolveRoutePolicy", () => {
  it("stores the declared object once, and every later reader gets that object", async () => {
    const seen: RoutePolicy[] = [];
    const app = new Hono<AppEnv>();
    app.use(resolveRoutePolicy);
    app.use(async (c, next) => {
      seen.push(routePolicyOf(c));
      await next();
    });
    app.post("/documents/text", (c) => {
      seen.push(routePolicyOf(c));
      return c.text("ok");
    });
    const res = await app.request("/documents/text", { method: "POST" }, env);
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(ROUTE_POLICIES["POST /documents/text"]);
    expect(seen[1]).toBe(seen[0]);
  });
});
