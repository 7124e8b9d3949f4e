/**
 * Pushes every kind of secret through every logging path (access log, error log, audit line
 * and row, metrics refusal) and checks none of it comes out. The suite-wide scan in
 * test/node/log-secrets.ts then checks the whole run's output against the same canaries.
 */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it, vi } from "vitest";
import { audit } from "../../src/audit";
import type { Env } from "../../src/env";
import type { AppEnv } from "../../src/http/app-env";
import { onError } from "../../src/http/error-handler";
import { accessLog } from "../../src/http/middleware/access-log";
import { configGuard } from "../../src/http/middleware/config-guard";
import { metricsRoutes } from "../../src/http/routes/metrics";
import { createLogger } from "../../src/observability/logger";
import { REDACTED, redact, redactString, searchedString } from "../../src/observability/redact";
import { CANARY_SECRETS } from "../canaries";

const workerEnv = env as unknown as Env;
const canaries = Object.values(CANARY_SECRETS);

/** Console output while `run` runs; the spy passes lines through to the suite-wide capture. */
async function output(run: () => Promise<void>): Promise<string> {
  const log = vi.spyOn(console, "log");
  const error = vi.spyOn(console, "error");
  const warn = vi.spyOn(console, "warn");
  await run();
  return [...log.mock.calls, ...error.mock.calls, ...warn.mock.calls]
    .map((call) => call.join(" "))
    .join("\n");
}

function expectNoCanary(text: string): void {
  for (const secret of canaries) expect(text).not.toContain(secret);
}

const secretHeaders = {
  Authorization: `Bearer ${CANARY_SECRETS.jwt}`,
  Cookie: CANARY_SECRETS.cookie,
  "X-API-Key": CANARY_SECRETS.apiKey,
  "User-Agent": `curl/8 Bearer ${CANARY_SECRETS.bearer}`,
};

afterEach(() => vi.restoreAllMocks());

describe("secrets never reach a log line", () => {
  it("access log: headers and query strings of a request", async () => {
    const text = await output(async () => {
      const query = `?token=${CANARY_SECRETS.bearer}&password=${CANARY_SECRETS.password}&api_key=${CANARY_SECRETS.apiKey}`;
      await SELF.fetch(`http://x/health/live${query}`, { headers: secretHeaders });
      await SELF.fetch(`http://x/no-such-route${query}`, { headers: secretHeaders });
    });
    expect(text).toContain('"path":"/health/live"');
    expectNoCanary(text);
  });

  it("error log: messages and stacks that quote credentials", async () => {
    const app = new Hono<AppEnv>();
    app.use(requestId());
    app.use(accessLog);
    app.get("/boom", () => {
      throw new Error(
        `upstream refused password=${CANARY_SECRETS.password} api_key: ${CANARY_SECRETS.apiKey} Bearer ${CANARY_SECRETS.bearer} ${CANARY_SECRETS.jwt}`,
      );
    });
    app.onError(onError);
    const text = await output(async () => {
      expect((await app.request("/boom", {}, workerEnv)).status).toBe(500);
    });
    expect(text).toContain("upstream refused");
    expect(text).toContain(REDACTED);
    expectNoCanary(text);
  });

  it("audit: additional data, user agent, the stdout line and the stored row", async () => {
    const app = new Hono<AppEnv>();
    app.use(requestId({ headerName: "X-Request-ID" }));
    app.use(accessLog);
    app.use(configGuard);
    app.post("/t", (c) => {
      audit(c, {
        event_type: "authentication",
        event_action: "login_failure",
        outcome: "failure",
        user_id: null,
        additional_data: {
          password: CANARY_SECRETS.password,
          api_key: CANARY_SECRETS.apiKey,
          headers: { Authorization: `Bearer ${CANARY_SECRETS.bearer}`, Cookie: CANARY_SECRETS.cookie },
          nested: { refresh_token: CANARY_SECRETS.refreshToken },
          note: `client sent password=${CANARY_SECRETS.password}`,
        },
      });
      return c.json({ ok: true });
    });
    const ctx = createExecutionContext();
    const text = await output(async () => {
      await app.request(
        "/t",
        { method: "POST", headers: { ...secretHeaders, "X-Request-ID": "redaction-audit" } },
        workerEnv,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    });
    expect(text).toContain('"event_action":"login_failure"');
    expectNoCanary(text);
    const row = await env.DB.prepare(
      "SELECT * FROM audit_events WHERE request_id = 'redaction-audit'",
    ).first();
    expect(row).not.toBeNull();
    expectNoCanary(JSON.stringify(row));
  });

  it("metrics: a wrong scrape token is refused without being echoed", async () => {
    const app = new Hono<AppEnv>();
    app.use(requestId());
    app.use(accessLog);
    app.use(configGuard);
    app.route("/", metricsRoutes);
    app.onError(onError);
    const securedEnv = {
      ...workerEnv,
      AUTH_ENABLED: "true",
      METRICS_TOKEN: `${CANARY_SECRETS.metricsToken}-configured`,
    };
    const text = await output(async () => {
      const res = await app.request(
        "/metrics",
        { headers: { Authorization: `Bearer ${CANARY_SECRETS.metricsToken}` } },
        securedEnv,
      );
      expect(res.status).toBe(401);
      expectNoCanary(await res.text());
    });
    expectNoCanary(text);
  });

  it("logger: sensitive fields at any depth and free text", async () => {
    const lines: string[] = [];
    const log = createLogger("DEBUG", { authorization: `Bearer ${CANARY_SECRETS.bearer}` }, (line) =>
      lines.push(line),
    );
    log.info(`retrying with refresh_token=${CANARY_SECRETS.refreshToken}`, {
      request: { headers: { cookie: CANARY_SECRETS.cookie, "x-api-key": CANARY_SECRETS.apiKey } },
      credentials: { password: CANARY_SECRETS.password },
      jwt: CANARY_SECRETS.jwt,
    });
    expect(lines).toHaveLength(1);
    expectNoCanary(lines.join("\n"));
  });

  it("logger: its own time and level first; fields of those names take their place, redacted", () => {
    const lines: string[] = [];
    const log = createLogger("DEBUG", {}, (line) => lines.push(line));
    log.warn("plain", { id: "a1" });
    log.info("overridden", { timestamp: `token=${CANARY_SECRETS.refreshToken}`, level: CANARY_SECRETS.jwt });
    const [plain, overridden] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(plain ?? {})).toEqual(["timestamp", "level", "message", "id"]);
    expect(plain?.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(plain?.level).toBe("WARNING");
    expect(Object.keys(overridden ?? {})).toEqual(["timestamp", "level", "message"]);
    expect(overridden?.timestamp).toBe("token=[REDACTED]");
    expect(overridden?.level).toBe("[REDACTED]");
    expectNoCanary(lines.join("\n"));
  });

  it("free text: key=value and JSON-quoted secrets are masked, ordinary text kept", () => {
    expect(redactString(`password=${CANARY_SECRETS.password} user=ann`)).toBe(
      `password=${REDACTED} user=ann`,
    );
    expect(redactString(`{"refresh_token":"${CANARY_SECRETS.refreshToken}"}`)).toBe(
      `{"refresh_token":"${REDACTED}"}`,
    );
    expect(redactString(`GET /x?api_key=${CANARY_SECRETS.apiKey}&page=2`)).toBe(
      `GET /x?api_key=${REDACTED}&page=2`,
    );
    expect(redactString("documents processed: 12 in 3.4 s")).toBe("documents processed: 12 in 3.4 s");
    expect(
      redactString(`connect failed: postgres://app:${CANARY_SECRETS.password}@db.example:5432/rag`),
    ).toBe(`connect failed: postgres://app:${REDACTED}@db.example:5432/rag`);
    expect(redactString("see https://docs.example/a:b@c and postgres://db.example/rag")).toBe(
      "see https://docs.example/a:b@c and postgres://db.example/rag",
    );
  });
  it("a key named __proto__ in client JSON stays an ordinary, redacted key of the copy", () => {
    const body = JSON.parse(`{"__proto__":{"password":"${CANARY_SECRETS.password}"},"user":"ann"}`);
    const copy = redact(body) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(["__proto__", "user"]);
    expect(JSON.stringify(copy)).toBe(`{"__proto__":{"password":"${REDACTED}"},"user":"ann"}`);
  });
});

describe("redaction's shortcut", () => {
  // Pieces of every secret shape and of text that only looks like one, in any order and case.
  const piece = fc.constantFrom(
    "Bearer ",
    "basic ",
    "BEARER\t",
    "eyJhbGciOi",
    ".eyJzdWIi",
    ".c2lnbmF0dXJl",
    "lrk_",
    "rt_",
    "A1b2C3d4E5f6G7h8I9j0K1l2M3n4",
    "password",
    "api-key",
    "token",
    "_id",
    "=",
    ":",
    "://",
    "@",
    '"',
    " ",
    "user",
    "host",
    "x",
    "é",
  );
  it("skips the searches only where they would change nothing", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.string(), (pieces, noise) => {
        for (const text of [pieces.join(""), `${noise}${pieces.join("")}`, noise]) {
          expect(redactString(text)).toBe(searchedString(text));
          expect(redactString(text.toUpperCase())).toBe(searchedString(text.toUpperCase()));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
