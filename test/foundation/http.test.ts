import { env, SELF } from "cloudflare:test";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { AppEnv } from "../../src/http/app-env";
import { onError, onNotFound } from "../../src/http/error-handler";
import { AppError } from "../../src/http/errors";
import { accessLog } from "../../src/http/middleware/access-log";
import { bodyPolicy, mediaTypeOf } from "../../src/http/middleware/body-policy";
import { createConcurrencyGate } from "../../src/http/middleware/concurrency-gate";
import { configGuard } from "../../src/http/middleware/config-guard";

interface Envelope {
  error: { code: string; message: string; request_id: string; details?: unknown };
}

/** The app's own middleware around test routes that accept bodies and throw on demand. */
function testApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: "X-Request-ID" }));
  app.use(accessLog);
  app.use(configGuard);
  app.use(bodyPolicy);
  app.post("/echo", async (c) => c.json({ received: (await c.req.text()).length }));
  app.post("/login", async (c) => c.json(await c.req.parseBody()));
  app.post("/documents/text", async (c) => c.json({ received: (await c.req.text()).length }));
  app.get("/boom", () => {
    throw new Error("secret internals at /srv/app.ts:42");
  });
  app.get("/teapot", () => {
    throw new AppError(409, "conflict", "already there", {
      headers: { "X-Hint": "rename" },
      details: { name: "a" },
    });
  });
  app.onError(onError);
  app.notFound(onNotFound);
  return app;
}

afterEach(() => vi.restoreAllMocks());

describe("X-Request-ID", () => {
  it("is generated when absent and echoed", async () => {
    const res = await SELF.fetch("http://localhost/health/live");
    expect(res.headers.get("X-Request-ID")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is accepted from the client", async () => {
    const res = await SELF.fetch("http://localhost/health/live", {
      headers: { "X-Request-ID": "trace-abc_123" },
    });
    expect(res.headers.get("X-Request-ID")).toBe("trace-abc_123");
  });

  it("is replaced when it carries unsafe characters", async () => {
    const res = await SELF.fetch("http://localhost/health/live", {
      headers: { "X-Request-ID": "evil\u0007 <script>" },
    });
    expect(res.headers.get("X-Request-ID")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("error envelope", () => {
  it("answers 404 for an unknown path", async () => {
    const res = await SELF.fetch("http://localhost/no/such/route", { headers: { "X-Request-ID": "r404" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({
      error: { code: "not_found", message: "No route for GET /no/such/route", request_id: "r404" },
    });
  });

  it("answers 405 with Allow for a known path and another method", async () => {
    const res = await SELF.fetch("http://localhost/health/ready", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect((await res.json<Envelope>()).error.code).toBe("method_not_allowed");
  });

  it("serves HEAD for GET routes", async () => {
    const res = await SELF.fetch("http://localhost/health/live", { method: "HEAD" });
    expect(res.status).toBe(200);
  });

  it("never leaks a stack or an internal message", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const res = await testApp().request("/boom", { headers: { "X-Request-ID": "r500" } }, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal_error", message: "Internal server error", request_id: "r500" },
    });
    expect(text).not.toContain("secret internals");
    expect(text).not.toContain(".ts");
  });

  it("logs the unexpected error server-side", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(line));
    await testApp().request("/boom", {}, env);
    const logged = lines.map((line) => JSON.parse(line)).find((line) => line.message === "unhandled error");
    expect(logged).toMatchObject({ level: "ERROR", error: "secret internals at /srv/app.ts:42" });
  });

  it("writes an AppError's status, headers and details", async () => {
    const res = await testApp().request("/teapot", {}, env);
    expect(res.status).toBe(409);
    expect(res.headers.get("X-Hint")).toBe("rename");
    expect((await res.json<Envelope>()).error).toMatchObject({
      code: "conflict",
      message: "already there",
      details: { name: "a" },
    });
  });
});

describe("body policy", () => {
  const json = { "Content-Type": "application/json" };

  it("accepts JSON within the limit", async () => {
    const res = await testApp().request("/echo", { method: "POST", headers: json, body: '{"a":1}' }, env);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 7 });
  });

  it("answers 415 for a body that is not JSON", async () => {
    const res = await testApp().request(
      "/echo",
      { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hello" },
      env,
    );
    expect(res.status).toBe(415);
    const body = await res.json<Envelope>();
    expect(body.error.code).toBe("unsupported_media_type");
    expect(body.error.details).toEqual({ accepted: ["application/json"] });
  });

  it("answers 415 for a body without Content-Type", async () => {
    const res = await testApp().request("/echo", { method: "POST", body: new Uint8Array([1, 2, 3]) }, env);
    expect(res.status).toBe(415);
  });

  it("takes a form on /login", async () => {
    const res = await testApp().request(
      "/login",
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "username=a&password=b",
      },
      env,
    );
    expect(res.status).toBe(200);
  });

  it("answers 413 on Content-Length above the limit before reading", async () => {
    const small = { ...env, MAX_REQUEST_BODY_BYTES: "16" };
    const res = await testApp().request(
      "/echo",
      { method: "POST", headers: json, body: JSON.stringify({ text: "x".repeat(64) }) },
      small,
    );
    expect(res.status).toBe(413);
    expect((await res.json<Envelope>()).error).toMatchObject({
      code: "payload_too_large",
      details: { max_bytes: 16 },
    });
  });

  it("answers 413 for a streamed body without Content-Length", async () => {
    const small = { ...env, MAX_REQUEST_BODY_BYTES: "16" };
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('{"chunk":"xxxxxxxx"}'));
        controller.close();
      },
    });
    const request = new Request("http://localhost/echo", { method: "POST", headers: json, body: stream });
    expect(request.headers.get("content-length")).toBeNull();
    const res = await testApp().request(request, undefined, small);
    expect(res.status).toBe(413);
  });

  it("gives text routes their own larger limit", async () => {
    const limits = { ...env, MAX_REQUEST_BODY_BYTES: "16", MAX_TEXT_BODY_BYTES: "4096" };
    const body = JSON.stringify({ text: "x".repeat(1000) });
    const res = await testApp().request("/documents/text", { method: "POST", headers: json, body }, limits);
    expect(res.status).toBe(200);
  });

  it("reads the media type without parameters", () => {
    expect(mediaTypeOf("Application/JSON; charset=utf-8")).toBe("application/json");
    expect(mediaTypeOf(undefined)).toBe("");
  });
});

describe("security headers", () => {
  it("are on every answer, errors included", async () => {
    for (const path of ["/health/live", "/nope"]) {
      const res = await SELF.fetch(`http://localhost${path}`);
      expect(res.headers.get("Strict-Transport-Security")).toMatch(/^max-age=\d+; includeSubDomains$/);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      expect(res.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    }
  });
});

describe("CORS", () => {
  const app = createApp();
  const listed = { ...env, CORS_ORIGINS: "https://app.example.com" };

  it("allows any origin by default, without credentials", async () => {
    const res = await SELF.fetch("http://localhost/health/live", {
      headers: { Origin: "https://x.example" },
    });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(res.headers.get("Access-Control-Expose-Headers")).toContain("X-Request-ID");
  });

  it("answers a preflight from a listed origin", async () => {
    const res = await app.request(
      "/health/ready",
      {
        method: "OPTIONS",
        headers: {
          Origin: "https://app.example.com",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
      },
      listed,
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(res.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
  });

  it("does not allow an origin that is not listed", async () => {
    const res = await app.request("/health/live", { headers: { Origin: "https://evil.example" } }, listed);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("access log", () => {
  function captureLines() {
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(JSON.parse(line)));
    return lines;
  }

  it("writes one JSON line per request with the required fields", async () => {
    const lines = captureLines();
    const app = createApp();
    await app.request("/health/live?token=abc", { headers: { "X-Request-ID": "log-1" } }, env);
    const requests = lines.filter((line) => line.message === "request");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: "INFO",
      message: "request",
      request_id: "log-1",
      method: "GET",
      path: "/health/live",
      status: 200,
      duration_ms: expect.any(Number),
    });
  });

  it("honours LOG_LEVEL", async () => {
    const lines = captureLines();
    const app = createApp();
    const quiet = { ...env, LOG_LEVEL: "WARNING" };
    await app.request("/health/live", {}, quiet);
    expect(lines.filter((line) => line.message === "request")).toHaveLength(0);
    await testApp().request("/boom", {}, quiet);
    expect(lines.filter((line) => line.message === "request").map((line) => line.status)).toEqual([500]);
  });
});

describe("runtime flags on the request path", () => {
  it("are read for a known route only: a 404 or 405 never touches the flags object", async () => {
    const { forgetCachedFlags } = await import("../../src/flags");
    const app = createApp();
    const reads = vi.spyOn(env.FLAGS, "idFromName");
    forgetCachedFlags();
    expect((await app.request("/no/such/route", {}, env)).status).toBe(404);
    expect((await app.request("/query", { method: "GET" }, env)).status).toBe(405);
    expect(reads).not.toHaveBeenCalled();
    expect((await app.request("/documents/status_counts", {}, env)).status).toBe(200);
    expect(reads).toHaveBeenCalled();
  });
});

describe("concurrency gate (MAX_CONCURRENT_REQUESTS)", () => {
  it("lets `limit` holders in at once, the rest in arrival order; a cancelled waiter holds no one up", async () => {
    const gate = createConcurrencyGate(2);
    const entered: number[] = [];
    let most = 0;
    const hold = async (i: number, ms: number) => {
      await gate.enter();
      entered.push(i);
      most = Math.max(most, gate.active);
      await new Promise((resolve) => setTimeout(resolve, ms));
      gate.leave();
    };
    const runs = [hold(1, 30), hold(2, 30)];
    for (const i of [3, 4, 5]) {
      await new Promise((resolve) => setTimeout(resolve, 3));
      runs.push(hold(i, 5));
    }
    await Promise.all(runs);
    expect(entered).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(gate.active).toBe(0);

    // A waiter whose request was cancelled stops polling; once it is stale the next one goes.
    let clock = 0;
    let waits = 0;
    const gate2 = createConcurrencyGate(
      1,
      () => clock,
      (ms) => {
        waits++;
        if (waits === 1) return new Promise<void>(() => {});
        clock += ms;
        return Promise.resolve();
      },
    );
    await gate2.enter();
    void gate2.enter();
    gate2.leave();
    await gate2.enter();
    expect(clock).toBeGreaterThan(2000);
    expect(gate2.active).toBe(1);
  });
});
