/**
 * The route policy table: ONE declaration per route (method + path pattern, as registered with
 * Hono) of everything the middleware decides before the route runs — who may call it, which
 * rate-limit class it counts against, which body it accepts, whether it changes state and
 * which runtime flags can switch it off. `requireAuth`, `rateLimit`, `flagGuard`, `bodyPolicy`
 * and token renewal all read the same entry, looked up once per request
 * (`src/http/middleware/route-policy.ts`). test/foundation/route-policy.test.ts fails when a
 * registered route has no entry here, or an entry names a route nobody registered.
 *
 * Adding a route: register it in its route module, then add its line below.
 */
import type { RateLimitClass } from "../config/ratelimit";

/**
 * Who may call a route: anyone (`public`), any signed-in caller on its own account (`self`),
 * or at least the role named (`viewer` < `user` (editor) < `admin`), in the request's workspace.
 */
export type Access = "public" | "self" | "viewer" | "user" | "admin";

/**
 * The body rule (media types and size limit, see `src/http/middleware/body-policy.ts`):
 * `json` — JSON up to MAX_REQUEST_BODY_BYTES (also the rule for a body sent to a GET);
 * `text` — JSON up to MAX_TEXT_BODY_BYTES; `upload` — multipart up to MAX_UPLOAD_SIZE;
 * `form` — an HTML form (urlencoded or multipart) up to MAX_REQUEST_BODY_BYTES.
 */
export type BodyRule = "json" | "text" | "upload" | "form";

/** A runtime flag that switches a route off (503): ENABLE_QUERIES, DISABLE_DOCUMENT_UPLOAD, MCP_SERVER_ENABLED. */
export type Gate = "queries" | "upload" | "mcp";

export interface RoutePolicy {
  access: Access;
  /** True when the route can change state: refused in read-only mode unless `readOnlyExempt`. */
  write: boolean;
  /** The rate-limit class (limit, window and limiter key: `src/ratelimit/policy.ts`); `exempt` is never limited. */
  rate: RateLimitClass | "exempt";
  body: BodyRule;
  /** The flag that can switch the route off. */
  gate?: Gate;
  /** A write that keeps working in read-only mode and in locked workspaces: sign-in and the operator's way out. */
  readOnlyExempt?: true;
  /** Polled by LightRAG's WebUI: a successful answer never renews the access token (idle sessions must end). */
  polled?: true;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type RouteKey = `${Method} /${string}`;

// Shorthands for the common kinds of row.
const read = (access: Access, rate: RoutePolicy["rate"] = "default"): RoutePolicy => ({
  access,
  write: false,
  rate,
  body: "json",
});
const query: RoutePolicy = { access: "viewer", write: false, rate: "query", body: "json", gate: "queries" };
const ingest: RoutePolicy = { access: "user", write: true, rate: "ingest", body: "json" };
// Graph edits re-embed and write like ingestion: the same per-workspace write budget.
const graphEdit: RoutePolicy = { access: "user", write: true, rate: "ingest", body: "json" };
const admin: RoutePolicy = { access: "admin", write: true, rate: "admin", body: "json" };
const operator: RoutePolicy = { ...admin, readOnlyExempt: true };
const signIn = (access: Access, body: BodyRule = "json"): RoutePolicy => ({
  access,
  write: true,
  rate: "auth",
  body,
  readOnlyExempt: true,
});

/** Every registered route. Keys are `METHOD pattern` exactly as the route module declares them. */
export const ROUTE_POLICIES = {
  // Probes: liveness and readiness are never rate limited (load balancers poll them).
  "GET /health": { ...read("public"), polled: true },
  "GET /health/live": read("public", "exempt"),
  "GET /health/ready": read("public", "exempt"),
  // Prometheus scrapes; guarded by its own METRICS_TOKEN inside the route.
  "GET /metrics": read("public"),

  // The API reference (generated from the routes' zod schemas, src/http/openapi/).
  "GET /openapi.json": read("public"),
  "GET /docs": read("public"),

  // Sign-in and the caller's own session.
  "GET /auth-status": read("public"),
  "GET /.well-known/jwks.json": read("public"),
  "POST /login": signIn("public", "form"),
  "POST /auth/login": signIn("public"),
  "POST /auth/register": signIn("public"),
  "POST /auth/refresh": signIn("public"),
  "POST /auth/logout": signIn("self"),
  "POST /auth/password": signIn("self"),
  "GET /auth/me": read("self", "auth"),

  // Queries: POSTs that only read.
  "POST /query": query,
  "POST /query/stream": query,
  "POST /query/data": query,
  "POST /api/query": query,
  // LightRAG's Ollama emulation (shared/design/LIGHTRAG_API.md §1.6): a chat client's model list, then queries.
  "GET /api/version": read("viewer"),
  "GET /api/tags": read("viewer"),
  "GET /api/ps": read("viewer"),
  "POST /api/chat": query,
  "POST /api/generate": query,

  // Graph reads.
  "GET /graphs": read("viewer"),
  "GET /graph/label/list": read("viewer"),
  "GET /graph/label/popular": read("viewer"),
  "GET /graph/label/search": read("viewer"),
  "GET /graph/entity/exists": read("viewer"),
  // Graph edits (editor role); /documents/delete_* are LightRAG 1.4.16's paths of the deletes.
  "POST /graph/entity/edit": graphEdit,
  "POST /graph/relation/edit": graphEdit,
  "POST /graph/entity/create": graphEdit,
  "POST /graph/relation/create": graphEdit,
  "POST /graph/entities/merge": graphEdit,
  "DELETE /graph/entity/delete": graphEdit,
  "DELETE /graph/relation/delete": graphEdit,
  "DELETE /documents/delete_entity": graphEdit,
  "DELETE /documents/delete_relation": graphEdit,

  // Documents: reads are ordinary requests, writes count per workspace (class `ingest`).
  "GET /documents": read("viewer"),
  "POST /documents/paginated": { ...read("viewer"), polled: true },
  "GET /documents/pipeline_status": { ...read("viewer"), polled: true },
  "GET /documents/status_counts": read("viewer"),
  "GET /documents/supported_file_types": read("viewer"),
  "GET /documents/track_status/:track_id": read("viewer"),
  "POST /documents/text": { ...ingest, body: "text", gate: "upload" },
  "POST /documents/texts": { ...ingest, body: "text", gate: "upload" },
  "POST /documents/upload": { ...ingest, body: "upload", gate: "upload" },
  "DELETE /documents": ingest,
  "DELETE /documents/delete_document": ingest,
  "POST /documents/clear_cache": ingest,
  "POST /documents/reprocess_failed": ingest,
  // LightRAG's Scan/Retry: reads R2 inputs/<workspace>/ like an upload, so switched off with uploads.
  "POST /documents/scan": { ...ingest, gate: "upload" },
  "POST /documents/cancel_pipeline": ingest,

  // MCP over Streamable HTTP, off unless MCP_SERVER_ENABLED. Open to viewers: the write tools
  // check the editor role, read-only mode and upload's switch themselves, and each tool also
  // spends the rate class of the REST route it stands for (src/http/mcp/tools.ts). POST bodies
  // may carry a whole document (insert_text), hence the text body limit.
  "GET /mcp": { ...read("viewer"), gate: "mcp" },
  "POST /mcp": { ...read("viewer"), body: "text", gate: "mcp" },
  "DELETE /mcp": { ...read("viewer"), gate: "mcp" },

  // Administration.
  "GET /admin/users": read("admin", "admin"),
  "POST /admin/users": admin,
  "GET /admin/users/:id": read("admin", "admin"),
  "PATCH /admin/users/:id": admin,
  "DELETE /admin/users/:id": admin,
  "POST /admin/users/:id/unlock": admin,
  "GET /admin/workspaces": read("admin", "admin"),
  "POST /admin/workspaces": admin,
  "DELETE /admin/workspaces/:id": admin,
  "GET /admin/workspaces/:id/members": read("admin", "admin"),
  "POST /admin/workspaces/:id/members": admin,
  "DELETE /admin/workspaces/:id/members/:userId": admin,
  "GET /admin/api-keys": read("admin", "admin"),
  "POST /admin/api-keys": admin,
  "DELETE /admin/api-keys/:id": admin,
  "GET /admin/audit": read("admin", "admin"),
  "GET /admin/llm/status": read("admin", "admin"),
  "GET /admin/llm/usage": read("admin", "admin"),
  // The dashboard's time series (global administrators; the source is configuration).
  "GET /admin/analytics": read("admin", "admin"),
  // The operator's way out of read-only mode and of a failed restore keeps working in it.
  "GET /admin/flags": read("admin", "admin"),
  "PUT /admin/flags": operator,
  "GET /admin/backups": read("admin", "admin"),
  "POST /admin/backups": operator,
  "GET /admin/backups/:id": read("admin", "admin"),
  "POST /admin/backups/:id/verify": operator,
  "GET /admin/backups/:id/restore": read("admin", "admin"),
  "POST /admin/backups/:id/restore": operator,
} as const satisfies Record<RouteKey, RoutePolicy>;

/**
 * Routes of the target design (`shared/design/ARCHITECTURE.md`) that are not built yet. They
 * are unknown paths today (routeGuard answers 404 before any policy is read); their policy is
 * declared so the route only has to be registered, and moved to the table above, to be
 * protected and switched as planned. The test refuses an entry here that is registered.
 */
export const RESERVED_ROUTE_POLICIES = {
  // API documentation and LightRAG's redirect from `/` to the WebUI or the docs.
  "GET /": read("public"),
  "GET /docs/oauth2-redirect": read("public"),
} as const satisfies Record<RouteKey, RoutePolicy>;
