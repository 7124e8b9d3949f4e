/**
 * Builds the Hono app: the order of middleware is the order of defence, from request id and
 * logging (so every answer is traced) to the body rules just before a route runs.
 */
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { requireAuth } from "./auth/middleware/require-auth";
import { resolvePrincipal } from "./auth/middleware/resolve-principal";
import { authDomainRoutes } from "./auth/routes";
import type { AppEnv } from "./http/app-env";
import { onError, onNotFound } from "./http/error-handler";
import { accessLog } from "./http/middleware/access-log";
import { bodyPolicy } from "./http/middleware/body-policy";
import { clientIp } from "./http/middleware/client-ip";
import { concurrencyGate } from "./http/middleware/concurrency-gate";
import { configGuard } from "./http/middleware/config-guard";
import { corsPolicy } from "./http/middleware/cors";
import { flagGuard } from "./http/middleware/flag-guard";
import { invocationScope } from "./http/middleware/invocation";
import { requestMetrics } from "./http/middleware/metrics";
import { routeGuard } from "./http/middleware/route-guard";
import { resolveRoutePolicy } from "./http/middleware/route-policy";
import { resolveRuntimeFlags } from "./http/middleware/runtime-flags";
import { securityHeaders } from "./http/middleware/security-headers";
import { buildRouteTable } from "./http/route-table";
import { adminAnalyticsRoutes } from "./http/routes/admin-analytics";
import { adminAuditRoutes } from "./http/routes/admin-audit";
import { adminBackupRoutes } from "./http/routes/admin-backups";
import { adminFlagsRoutes } from "./http/routes/admin-flags";
import { adminLlmRoutes } from "./http/routes/admin-llm";
import { adminWorkspaceDeleteRoutes } from "./http/routes/admin-workspace-delete";
import { documentRoutes } from "./http/routes/documents";
import { graphRoutes } from "./http/routes/graph";
import { graphEditRoutes } from "./http/routes/graph-edit";
import { healthRoutes } from "./http/routes/health";
import { mcpRoutes } from "./http/routes/mcp";
import { metricsRoutes } from "./http/routes/metrics";
import { ollamaRoutes } from "./http/routes/ollama";
import { openApiRoutes } from "./http/routes/openapi";
import { queryRoutes } from "./http/routes/query";
import { queryDataRoutes } from "./http/routes/query-data";
import { queryStreamRoutes } from "./http/routes/query-stream";
import { rateLimit } from "./ratelimit/middleware";

/** Every route module, mounted at the root: LightRAG's paths have no common prefix. */
function buildRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.route("/", healthRoutes);
  routes.route("/", authDomainRoutes);
  routes.route("/", queryRoutes);
  routes.route("/", queryStreamRoutes);
  routes.route("/", queryDataRoutes);
  routes.route("/", ollamaRoutes);
  routes.route("/", graphRoutes);
  routes.route("/", graphEditRoutes);
  routes.route("/", documentRoutes);
  routes.route("/", adminFlagsRoutes);
  routes.route("/", adminBackupRoutes);
  routes.route("/", adminWorkspaceDeleteRoutes);
  routes.route("/", metricsRoutes);
  routes.route("/", adminAuditRoutes);
  routes.route("/", adminLlmRoutes);
  routes.route("/", adminAnalyticsRoutes);
  routes.route("/", mcpRoutes);
  routes.route("/", openApiRoutes);
  return routes;
}

/**
 * Creates the application; `src/index.ts` exports its `fetch`.
 *
 * @example
 * const app = createApp();
 * const response = await app.request("/health/live", {}, env);
 */
export function createApp(): Hono<AppEnv> {
  const routes = buildRoutes();
  const app = new Hono<AppEnv>();
  // First, so a waiting request has done no work yet. Local runtime only (wrangler.toml's vars):
  // bounds the requests in flight on workerd's one thread.
  app.use(concurrencyGate);
  // Background work of isolate-wide clients (usage rows) goes to this request's waitUntil.
  app.use(invocationScope);
  app.use(requestId({ headerName: "X-Request-ID" }));
  app.use(clientIp);
  app.use(accessLog);
  app.use(requestMetrics);
  app.use(securityHeaders);
  app.use(corsPolicy);
  app.use(configGuard);
  app.use(routeGuard(buildRouteTable(routes.routes)));
  // Effective runtime flags and the request's services, resolved once for a known route (a 404
  // or 405 never waits for the flags object); everything below reads them.
  app.use(resolveRuntimeFlags);
  // The route's one declaration (permission, rate class, body, flags) that every layer below reads.
  app.use(resolveRoutePolicy);
  // Who is calling (bearer JWT or X-API-Key; guest admin in open mode), before the rate limiter keys on it.
  app.use(resolvePrincipal);
  app.use(rateLimit);
  // Default deny: every non-public route needs a principal whose role meets docs/security.md's table.
  app.use(requireAuth);
  // Read-only mode and feature switches, before any body is read.
  app.use(flagGuard);
  app.use(bodyPolicy);
  app.route("/", routes);
  app.onError(onError);
  app.notFound(onNotFound);
  return app;
}
