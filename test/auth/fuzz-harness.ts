/**
 * The shared part of the fuzzers (fuzz-bodies.test.ts, fuzz-headers.test.ts): arbitraries, the
 * routes and headers under test, the checks of an answer, and the session they run as. Two files
 * so the two halves run side by side (one workerd instance slows down as it serves thousands of
 * requests), each with its own isolate and database.
 *
 * Runs with a random seed each time (printed on failure, with the shrunk input); set FUZZ_SEED
 * to replay one. Cases per run: {@link BODY_RUNS} × body routes + {@link HEADER_RUNS} × headers,
 * over 10,000 in all.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { expect } from "vitest";
import { ROUTE_POLICIES, type RoutePolicy } from "../../src/http/route-policy";
import worker from "../../src/index";
import { session, uniqueName } from "./helpers";

export const SEED = Number(env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Cases per JSON route (about 50 routes). */
export const BODY_RUNS = 130;
/** Cases per header (about 20 headers). */
export const HEADER_RUNS = 220;

export const WORKSPACE = uniqueName("fz").replaceAll("-", "_");
export let adminAuth = "";

/** Tables a refused request must leave alone (audit and LLM bookkeeping record refusals). */
const BUSINESS_TABLES = [
  "workspaces",
  "api_keys",
  "memberships",
  "users",
  "documents",
  "document_contents",
  "chunks",
  "chunk_extractions",
  "entities",
  "relations",
  "entity_sources",
  "relation_sources",
];
const COUNT_SQL = `SELECT ${BUSINESS_TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(" || ',' || ")} AS counts`;

async function rowCounts(): Promise<string> {
  const row = await env.DB.prepare(COUNT_SQL).first<{ counts: string }>();
  return row?.counts ?? "";
}

/**
 * The Worker's own fetch handler with request logs off (LOG_LEVEL=ERROR): ten thousand access-log
 * lines would cost more than the requests. One env object, so its config is parsed once. The MCP
 * server is switched on (it is off in this project), so /mcp is fuzzed rather than gated.
 */
const quietEnv = { ...env, LOG_LEVEL: "ERROR", MCP_SERVER_ENABLED: "true" };
export async function send(url: string, init: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(url, init), quietEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const UNSETTLED_SQL = "SELECT count(*) AS n FROM documents WHERE status IN ('pending', 'processing')";

/**
 * Waits (at most 15 s) until no document is pending or processing: an accepted insert is
 * ingested by the queue consumer after its response, and its chunks and graph rows must not
 * land while a later, refused request is being checked.
 */
async function pipelineSettled(): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 15_000; ) {
    const row = await env.DB.prepare(UNSETTLED_SQL).first<{ n: number }>();
    if ((row?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Row counts after the last accepted request: a refused one must leave them as they are. */
let known = "";
export async function checkNothingStored(label: string, status: number): Promise<void> {
  if (status >= 400) {
    expect(await rowCounts(), `${label} stored rows though refused`).toBe(known);
    return;
  }
  await pipelineSettled();
  known = await rowCounts();
}

/**
 * Routes left out of body fuzzing, each for a reason: they end the fuzzer's own session, or a
 * body they accept starts a long job (a backup per case) rather than validating input.
 */
const SKIPPED = new Set([
  "POST /auth/logout",
  "POST /auth/password",
  "POST /login",
  "POST /admin/backups",
  "PUT /admin/flags",
]);

/** Field names of this API's request bodies, so generated objects reach deep validation. */
const FIELDS = [
  "query",
  "mode",
  "text",
  "texts",
  "file_source",
  "file_sources",
  "username",
  "password",
  "workspace",
  "workspaces",
  "role",
  "name",
  "entity_name",
  "entity_type",
  "updated_data",
  "entity_data",
  "relation_data",
  "source_entity",
  "target_entity",
  "source_id",
  "target_id",
  "entities_to_change",
  "entity_to_change_into",
  "allow_rename",
  "allow_merge",
  "top_k",
  "chunk_top_k",
  "max_entity_tokens",
  "max_total_tokens",
  "stream",
  "only_need_context",
  "conversation_history",
  "history_turns",
  "response_type",
  "user_prompt",
  "hl_keywords",
  "ll_keywords",
  "enable_rerank",
  "include_references",
  "doc_ids",
  "delete_file",
  "delete_llm_cache",
  "page",
  "page_size",
  "status_filter",
  "sort_field",
  "sort_direction",
  "messages",
  "model",
  "prompt",
  "refresh_token",
  "expires_in",
  "expires_in_days",
  "description",
  "keywords",
  "weight",
  "current_password",
  "new_password",
  "jsonrpc",
  "method",
  "params",
  "id",
];

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "naive",
    "mix",
    "bypass",
    "admin",
    "viewer",
    "x".repeat(300),
    "\u0000",
    "<SEP>",
    "default",
    // Keys of Object.prototype: a map keyed by client text must not resolve them (a 500 once).
    "__proto__",
    "constructor",
  ),
  fc.integer(),
  fc.constantFrom(-1, 0, 1, 2 ** 31, -(2 ** 53), 1e308, 0.5),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 5 }),
  fc.dictionary(fc.constantFrom(...FIELDS), scalar),
);
/** Objects with this API's field names and odd values. */
export const apiObject = fc
  .dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 })
  .map((o) => JSON.stringify(o));
/** Bodies that are not what any route wants: any JSON, broken JSON, deep nesting, raw text. */
export const oddBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "",
    "{",
    "[",
    "{}}",
    '{"a":',
    "\uFEFF{}",
    "null",
    "[".repeat(5000),
    `{"text":"${"y".repeat(5000)}"`,
  ),
);
export const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
);
export const pathParam = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^[A-Za-z0-9_.~-]{1,80}$/),
  fc.constantFrom("%00", "%2e%2e", "..", "%ZZ", "0", "-1", "a".repeat(300), "%F0%9F%A7%AA"),
);

interface BodyRoute {
  method: string;
  template: string;
  policy: RoutePolicy;
}

export function bodyRoutes(): BodyRoute[] {
  return Object.entries(ROUTE_POLICIES as Record<string, RoutePolicy>)
    .map(([key, policy]) => {
      const [method, template] = key.split(" ") as [string, string];
      return { method, template, policy };
    })
    .filter((r) => r.method !== "GET" && !SKIPPED.has(`${r.method} ${r.template}`));
}

export function fill(template: string, param: string): string {
  return template.replace(/:[A-Za-z_]+/g, param);
}

const STACK = /\n\s+at\s|\.ts:\d+|\.js:\d+:\d+/;

/** Every answer's shared checks; returns the body text. */
export async function checkAnswer(label: string, response: Response): Promise<string> {
  const text = await response.text();
  expect(response.status, `${label} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(STACK.test(text), `${label} shows a stack trace: ${text.slice(0, 300)}`).toBe(false);
  if (response.status >= 400 && response.status !== 405) {
    const type = response.headers.get("content-type") ?? "";
    expect(type, `${label} error is not JSON`).toContain("json");
    expect(() => JSON.parse(text), `${label} error body is not JSON: ${text.slice(0, 200)}`).not.toThrow();
  }
  return text;
}

/** Signs in the administrator the fuzzers act as, and records the row counts to compare with. */
export async function fuzzSetup(): Promise<void> {
  const admin = await session("admin", ["default", WORKSPACE]);
  adminAuth = `Bearer ${admin.tokens.access_token}`;
  known = await rowCounts();
}

/** Headers the service reads, each with the route where it matters. */
export const HEADERS: { name: string; method: string; path: string; body?: string }[] = [
  { name: "Authorization", method: "GET", path: "/documents" },
  { name: "Authorization", method: "POST", path: "/auth/refresh", body: "{}" },
  { name: "X-API-Key", method: "GET", path: "/documents" },
  { name: "Cookie", method: "POST", path: "/auth/login", body: '{"username":"nobody_fz","password":"x"}' },
  { name: "Cookie", method: "POST", path: "/auth/refresh", body: "{}" },
  { name: "LIGHTRAG-WORKSPACE", method: "GET", path: "/documents" },
  { name: "LIGHTRAG-WORKSPACE", method: "POST", path: "/query/data", body: '{"query":"Ada","mode":"naive"}' },
  { name: "Content-Type", method: "POST", path: "/documents/text", body: '{"text":"' },
  { name: "Content-Type", method: "POST", path: "/documents/upload", body: "--x\r\n" },
  { name: "Content-Length", method: "POST", path: "/query/data", body: '{"query":"Ada"}' },
  { name: "Origin", method: "POST", path: "/mcp", body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' },
  { name: "Origin", method: "GET", path: "/health" },
  {
    name: "CF-Connecting-IP",
    method: "POST",
    path: "/auth/login",
    body: '{"username":"nobody_fz","password":"x"}',
  },
  { name: "X-Forwarded-For", method: "GET", path: "/documents" },
  { name: "X-Request-ID", method: "GET", path: "/health" },
  {
    name: "X-Bootstrap-Token",
    method: "POST",
    path: "/auth/register",
    body: '{"username":"fz","password":"x"}',
  },
  {
    name: "Mcp-Session-Id",
    method: "POST",
    path: "/mcp",
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  },
  {
    name: "MCP-Protocol-Version",
    method: "POST",
    path: "/mcp",
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  },
  { name: "Last-Event-ID", method: "GET", path: "/mcp" },
  { name: "Accept", method: "POST", path: "/mcp", body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' },
  { name: "User-Agent", method: "GET", path: "/documents" },
];

/** Values a header can carry on the wire (fetch refuses control characters), odd ones first. */
export const headerValue = fc.oneof(
  fc.stringMatching(/^[\t\x20-\x7e]{0,300}$/),
  fc.constantFrom(
    "",
    "Bearer",
    "Bearer ",
    "Bearer lrk_",
    "Bearer lrk_x.y",
    "Basic Og==",
    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    "Bearer a.b.c",
    "lightrag_device=; lightrag_refresh=%",
    "lightrag_device=" + "a".repeat(4000),
    "999999999999999999999",
    "-1",
    "::1",
    "1.2.3.4, 5.6.7.8",
    "not-an-ip",
    "__proto__",
    "constructor",
    "null",
    "text/plain;;;",
    "application/json; charset=\u00ff",
    "\u00e9\u00e8",
  ),
);
