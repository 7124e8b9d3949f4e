/**
 * The API reference of every route, keyed like the route policy table
 * (`src/http/route-policy.ts`): its request schemas are the ones the route validates with, its
 * response schemas are checked against real answers by test/foundation/openapi.test.ts. The type
 * makes a route policy without an entry here (or an entry without a policy) a compile error.
 *
 * Adding a route: export the zod schemas the route validates with, write the response schema
 * (responses/*.ts), then add one line below — see docs/architecture.md, "API reference".
 */
import { z } from "zod";
import { newKey } from "../../auth/routes/admin-api-keys";
import { changes as userChanges, page as userPage } from "../../auth/routes/admin-users";
import { newMember, newWorkspace } from "../../auth/routes/admin-workspaces";
import { loginBody, loginForm, passwordChangeBody, refreshBody, registerBody } from "../../auth/schemas";
import { flagsUpdateSchema } from "../../flags/names";
import { analyticsQuery, analyticsResponseSchema } from "../../observability/analytics/schema";
import { PROMETHEUS_CONTENT_TYPE } from "../../observability/prometheus";
import { mcpRequestSchema, mcpResponseSchema } from "../mcp/wire";
import type { ROUTE_POLICIES } from "../route-policy";
import { query as auditQuery } from "../routes/admin-audit";
import { restoreBody } from "../routes/admin-backups";
import { usageQuery } from "../routes/admin-llm";
import { confirmation } from "../routes/admin-workspace-delete";
import { deleteDocumentsSchema } from "../routes/documents-admin";
import { insertTextSchema, insertTextsSchema } from "../routes/documents-insert";
import { documentsPaginatedSchema } from "../routes/documents-read";
import { scanResponseSchema } from "../routes/documents-scan";
import { entityExistsQuery, graphQuerySchema, labelSearchSchema, popularLabelsQuery } from "../routes/graph";
import {
  deletionResponseSchema,
  entitiesMergeRequestSchema,
  entityCreateRequestSchema,
  entityDeleteRequestSchema,
  entityEditRequestSchema,
  entityEditResponseSchema,
  entityResponseSchema,
  relationCreateRequestSchema,
  relationDeleteRequestSchema,
  relationEditRequestSchema,
  relationResponseSchema,
} from "../routes/graph-edit";
import {
  ollamaChatRequestSchema,
  ollamaChatResponseSchema,
  ollamaGenerateRequestSchema,
  ollamaGenerateResponseSchema,
  ollamaPsResponseSchema,
  ollamaTagsResponseSchema,
  ollamaVersionResponseSchema,
} from "../routes/ollama-schemas";
import { queryRequestSchema } from "../routes/query-request";
import * as auth from "./responses/auth";
import * as ops from "./responses/ops";
import * as rag from "./responses/rag";
import type { RouteDoc } from "./route-doc";

/** The multipart body of `POST /documents/upload`. */
const uploadForm = z.object({
  file: z.file().describe("The document (see /documents/supported_file_types)"),
});

const QUERY_NOTE = "LightRAG's QueryRequest; unknown fields are ignored.";

export const ROUTE_DOCS = {
  "GET /health": {
    tag: "Health",
    summary: "Deep health with LightRAG's fields",
    responses: { 200: ops.healthSchema },
  },
  "GET /health/live": { tag: "Health", summary: "Liveness (no I/O)", responses: { 200: ops.liveSchema } },
  "GET /health/ready": {
    tag: "Health",
    summary: "Readiness (config, D1, Durable Object)",
    responses: { 200: ops.readySchema },
  },
  "GET /metrics": {
    tag: "Health",
    summary: "Prometheus metrics (METRICS_TOKEN as bearer when set)",
    responses: { 200: { mediaType: PROMETHEUS_CONTENT_TYPE, description: "Prometheus text exposition" } },
  },
  "GET /openapi.json": {
    tag: "Reference",
    summary: "This OpenAPI 3.1 document",
    responses: { 200: z.looseObject({ openapi: z.string() }) },
  },
  "GET /docs": {
    tag: "Reference",
    summary: "Interactive API reference (Swagger UI); `?theme=light|dark`",
    responses: { 200: { mediaType: "text/html", description: "The reference page" } },
  },

  "GET /auth-status": {
    tag: "Auth",
    summary: "Auth mode (a guest token in open mode)",
    responses: { 200: auth.authStatusSchema },
  },
  "GET /.well-known/jwks.json": {
    tag: "Auth",
    summary: "Public keys of EdDSA token signing",
    responses: { 200: auth.jwksSchema },
  },
  "POST /login": {
    tag: "Auth",
    summary: "LightRAG's OAuth2 password login",
    body: loginForm,
    bodyMediaType: "application/x-www-form-urlencoded",
    responses: { 200: auth.lightragLoginSchema },
  },
  "POST /auth/login": {
    tag: "Auth",
    summary: "Login",
    body: loginBody,
    responses: { 200: auth.tokenAnswerSchema },
  },
  "POST /auth/register": {
    tag: "Auth",
    summary: "Register (when allowed)",
    body: registerBody,
    responses: { 201: auth.userAnswer },
  },
  "POST /auth/refresh": {
    tag: "Auth",
    summary: "Rotate the refresh token",
    body: refreshBody,
    responses: { 200: auth.tokenAnswerSchema },
  },
  "POST /auth/logout": {
    tag: "Auth",
    summary: "End the session",
    responses: { 200: z.strictObject({ status: z.literal("logged_out") }) },
  },
  "POST /auth/password": {
    tag: "Auth",
    summary: "Change the password (ends every other session)",
    body: passwordChangeBody,
    responses: { 200: auth.tokenAnswerSchema },
  },
  "GET /auth/me": { tag: "Auth", summary: "The caller", responses: { 200: auth.meSchema } },

  "POST /query": {
    tag: "Query",
    summary: "Answer a question",
    description: QUERY_NOTE,
    body: queryRequestSchema,
    responses: { 200: rag.queryResponseSchema },
  },
  "POST /query/stream": {
    tag: "Query",
    summary: "Answer a question, streamed as NDJSON",
    description: QUERY_NOTE,
    body: queryRequestSchema,
    responses: {
      200: {
        mediaType: "application/x-ndjson",
        description: "One JSON object per line",
        schema: rag.queryStreamLineSchema,
      },
    },
  },
  "POST /query/data": {
    tag: "Query",
    summary: "Retrieval without generation",
    description: QUERY_NOTE,
    body: queryRequestSchema,
    responses: { 200: rag.queryDataResponseSchema },
  },
  "POST /api/query": {
    tag: "Query",
    summary: "Alias of POST /query",
    body: queryRequestSchema,
    responses: { 200: rag.queryResponseSchema },
  },

  "GET /graphs": {
    tag: "Graph",
    summary: "The knowledge graph around a label",
    query: graphQuerySchema,
    responses: { 200: rag.knowledgeGraphSchema },
  },
  "GET /graph/label/list": {
    tag: "Graph",
    summary: "All entity labels",
    responses: { 200: rag.labelsSchema },
  },
  "GET /graph/label/popular": {
    tag: "Graph",
    summary: "Labels by degree",
    query: popularLabelsQuery,
    responses: { 200: rag.labelsSchema },
  },
  "GET /graph/label/search": {
    tag: "Graph",
    summary: "Labels matching a text",
    query: labelSearchSchema,
    responses: { 200: rag.labelsSchema },
  },
  "GET /graph/entity/exists": {
    tag: "Graph",
    summary: "Whether an entity exists",
    query: entityExistsQuery,
    responses: { 200: rag.entityExistsSchema },
  },

  "POST /graph/entity/edit": {
    tag: "Graph",
    summary: "Edit an entity (rename, merge into an existing one); the edit wins over extraction",
    body: entityEditRequestSchema,
    responses: { 200: entityEditResponseSchema },
  },
  "POST /graph/relation/edit": {
    tag: "Graph",
    summary: "Edit a relation; the edit wins over extraction",
    body: relationEditRequestSchema,
    responses: { 200: relationResponseSchema },
  },
  "POST /graph/entity/create": {
    tag: "Graph",
    summary: "Create an entity (kept when documents are deleted)",
    body: entityCreateRequestSchema,
    responses: { 200: entityResponseSchema },
  },
  "POST /graph/relation/create": {
    tag: "Graph",
    summary: "Create a relation (kept when documents are deleted)",
    body: relationCreateRequestSchema,
    responses: { 200: relationResponseSchema },
  },
  "POST /graph/entities/merge": {
    tag: "Graph",
    summary: "Merge entities into one",
    body: entitiesMergeRequestSchema,
    responses: { 200: entityResponseSchema },
  },
  "DELETE /graph/entity/delete": {
    tag: "Graph",
    summary: "Delete an entity and its relations",
    body: entityDeleteRequestSchema,
    responses: { 200: deletionResponseSchema },
  },
  "DELETE /graph/relation/delete": {
    tag: "Graph",
    summary: "Delete a relation",
    body: relationDeleteRequestSchema,
    responses: { 200: deletionResponseSchema },
  },
  "DELETE /documents/delete_entity": {
    tag: "Graph",
    summary: "LightRAG 1.4's path of DELETE /graph/entity/delete",
    body: entityDeleteRequestSchema,
    responses: { 200: deletionResponseSchema },
  },
  "DELETE /documents/delete_relation": {
    tag: "Graph",
    summary: "LightRAG 1.4's path of DELETE /graph/relation/delete",
    body: relationDeleteRequestSchema,
    responses: { 200: deletionResponseSchema },
  },

  "GET /documents": {
    tag: "Documents",
    summary: "Documents grouped by status (deprecated)",
    responses: { 200: rag.legacyDocsSchema },
  },
  "POST /documents/paginated": {
    tag: "Documents",
    summary: "A page of documents",
    body: documentsPaginatedSchema,
    responses: { 200: rag.paginatedDocsSchema },
  },
  "GET /documents/pipeline_status": {
    tag: "Documents",
    summary: "The ingestion pipeline",
    responses: { 200: rag.pipelineStatusSchema },
  },
  "GET /documents/status_counts": {
    tag: "Documents",
    summary: "Documents per status",
    responses: { 200: rag.statusCountsSchema },
  },
  "GET /documents/supported_file_types": {
    tag: "Documents",
    summary: "Upload file types",
    responses: { 200: rag.supportedTypesSchema },
  },
  "GET /documents/track_status/:track_id": {
    tag: "Documents",
    summary: "Documents of one insert",
    responses: { 200: rag.trackStatusSchema },
  },
  "POST /documents/text": {
    tag: "Documents",
    summary: "Insert a text",
    body: insertTextSchema,
    responses: { 200: rag.insertResponseSchema },
  },
  "POST /documents/texts": {
    tag: "Documents",
    summary: "Insert texts",
    body: insertTextsSchema,
    responses: { 200: rag.insertResponseSchema },
  },
  "POST /documents/upload": {
    tag: "Documents",
    summary: "Upload a file",
    body: uploadForm,
    bodyMediaType: "multipart/form-data",
    responses: { 200: rag.insertResponseSchema },
  },
  "DELETE /documents": {
    tag: "Documents",
    summary: "Clear every document of the workspace",
    responses: { 200: rag.clearDocsResponseSchema },
  },
  "DELETE /documents/delete_document": {
    tag: "Documents",
    summary: "Delete documents",
    body: deleteDocumentsSchema,
    responses: { 200: rag.deleteDocResponseSchema },
  },
  "POST /documents/clear_cache": {
    tag: "Documents",
    summary: "Clear the LLM cache",
    responses: { 200: rag.clearCacheResponseSchema },
  },
  "POST /documents/reprocess_failed": {
    tag: "Documents",
    summary: "Re-enqueue failed and pending documents",
    responses: { 200: rag.reprocessResponseSchema },
  },
  "POST /documents/scan": {
    tag: "Documents",
    summary: "Pick up files in R2 inputs/<workspace>/ and retry failed or stalled documents",
    responses: { 200: scanResponseSchema },
  },
  "POST /documents/cancel_pipeline": {
    tag: "Documents",
    summary: "Ask the pipeline to stop",
    responses: { 200: rag.cancelPipelineResponseSchema },
  },

  "GET /admin/users": {
    tag: "Admin",
    summary: "List users",
    query: userPage,
    responses: { 200: auth.userListSchema },
  },
  "POST /admin/users": {
    tag: "Admin",
    summary: "Create a user",
    body: registerBody,
    responses: { 201: auth.userAnswer },
  },
  "GET /admin/users/:id": { tag: "Admin", summary: "A user", responses: { 200: auth.userAnswer } },
  "PATCH /admin/users/:id": {
    tag: "Admin",
    summary: "Change role, email or disabled",
    body: userChanges,
    responses: { 200: auth.userAnswer },
  },
  "DELETE /admin/users/:id": {
    tag: "Admin",
    summary: "Delete a user",
    responses: { 200: auth.userActionSchema("deleted") },
  },
  "POST /admin/users/:id/unlock": {
    tag: "Admin",
    summary: "Lift a login lockout",
    responses: { 200: auth.userActionSchema("unlocked") },
  },
  "GET /admin/workspaces": {
    tag: "Admin",
    summary: "List workspaces",
    responses: { 200: auth.workspaceListSchema },
  },
  "POST /admin/workspaces": {
    tag: "Admin",
    summary: "Create a workspace",
    body: newWorkspace,
    responses: { 201: auth.workspaceCreatedSchema },
  },
  "DELETE /admin/workspaces/:id": {
    tag: "Admin",
    summary: "Delete a workspace's data",
    body: confirmation,
    responses: { 200: ops.workspaceDeletedSchema },
  },
  "GET /admin/workspaces/:id/members": {
    tag: "Admin",
    summary: "Members of a workspace",
    responses: { 200: auth.workspaceMembersSchema },
  },
  "POST /admin/workspaces/:id/members": {
    tag: "Admin",
    summary: "Add a member",
    body: newMember,
    responses: { 200: auth.memberAddedSchema, 201: auth.memberAddedSchema },
  },
  "DELETE /admin/workspaces/:id/members/:userId": {
    tag: "Admin",
    summary: "Remove a member",
    responses: { 200: auth.memberRemovedSchema },
  },
  "GET /admin/api-keys": {
    tag: "Admin",
    summary: "List API keys",
    responses: { 200: auth.apiKeyListSchema },
  },
  "POST /admin/api-keys": {
    tag: "Admin",
    summary: "Create an API key (shown once)",
    body: newKey,
    responses: { 201: auth.apiKeyCreatedSchema },
  },
  "DELETE /admin/api-keys/:id": {
    tag: "Admin",
    summary: "Revoke an API key",
    responses: { 200: auth.publicApiKeySchema },
  },
  "GET /admin/audit": {
    tag: "Admin",
    summary: "Audit trail of the workspace",
    query: auditQuery,
    responses: { 200: ops.auditPageSchema },
  },
  "GET /admin/llm/status": {
    tag: "Admin",
    summary: "Provider chains and circuits",
    responses: { 200: ops.llmStatusSchema },
  },
  "GET /admin/llm/usage": {
    tag: "Admin",
    summary: "Token usage per day",
    query: usageQuery,
    responses: { 200: ops.llmUsageSchema },
  },
  "GET /admin/analytics": {
    tag: "Admin",
    summary: "Dashboard time series (last hour, day or week)",
    description:
      "Requests and error rate, p50/p95 latency per route class, queries per mode, ingestion, LLM tokens and cost, rate-limit hits and cache hit rate, one value per bucket. From the local metrics history, or from Analytics Engine when ANALYTICS_SOURCE=analytics_engine.",
    query: analyticsQuery,
    responses: { 200: analyticsResponseSchema },
  },
  "GET /admin/flags": { tag: "Admin", summary: "Runtime flags", responses: { 200: ops.flagsViewSchema } },
  "PUT /admin/flags": {
    tag: "Admin",
    summary: "Change runtime flags",
    body: flagsUpdateSchema,
    responses: { 200: ops.flagsViewSchema },
  },
  "GET /admin/backups": { tag: "Admin", summary: "List backups", responses: { 200: ops.backupListSchema } },
  "POST /admin/backups": {
    tag: "Admin",
    summary: "Start a backup",
    responses: { 202: ops.backupQueuedSchema },
  },
  "GET /admin/backups/:id": {
    tag: "Admin",
    summary: "A backup's manifest",
    responses: { 200: ops.backupDetailSchema },
  },
  "POST /admin/backups/:id/verify": {
    tag: "Admin",
    summary: "Verify a backup",
    responses: { 200: ops.backupVerificationSchema },
  },
  "GET /admin/backups/:id/restore": {
    tag: "Admin",
    summary: "Restore progress",
    responses: { 200: ops.restoreStateSchema },
  },
  "POST /admin/backups/:id/restore": {
    tag: "Admin",
    summary: "Restore a backup",
    body: restoreBody,
    responses: { 202: ops.restoreStateSchema },
  },
  "GET /api/version": {
    tag: "Ollama",
    summary: "Ollama's version answer",
    responses: { 200: ollamaVersionResponseSchema },
  },
  "GET /api/tags": {
    tag: "Ollama",
    summary: "The emulated model (lightrag:latest)",
    responses: { 200: ollamaTagsResponseSchema },
  },
  "GET /api/ps": {
    tag: "Ollama",
    summary: "The emulated model, as running",
    responses: { 200: ollamaPsResponseSchema },
  },
  "POST /api/chat": {
    tag: "Ollama",
    summary:
      "Ollama chat over the knowledge base (prefixes /local, /global, /hybrid, /naive, /mix, /bypass, /context)",
    description:
      "With `stream` true (Ollama's default) the answer is NDJSON: message deltas, then a `done: true` line with timings.",
    body: ollamaChatRequestSchema,
    responses: { 200: ollamaChatResponseSchema },
  },
  "POST /api/generate": {
    tag: "Ollama",
    summary: "Ollama generate, straight to the LLM (no retrieval, as LightRAG)",
    description:
      "With `stream` true (Ollama's default) the answer is NDJSON: response deltas, then a `done: true` line with timings.",
    body: ollamaGenerateRequestSchema,
    responses: { 200: ollamaGenerateResponseSchema },
  },

  "GET /mcp": {
    tag: "MCP",
    summary: "405: the MCP server is stateless (no server-to-client stream)",
    responses: {},
  },
  "POST /mcp": {
    tag: "MCP",
    summary: "MCP Streamable HTTP: one JSON-RPC message or a batch (initialize, tools/list, tools/call)",
    body: mcpRequestSchema,
    responses: {
      200: mcpResponseSchema,
      202: { mediaType: "text/plain", description: "A notification, accepted (no body)" },
    },
  },
  "DELETE /mcp": {
    tag: "MCP",
    summary: "405: there are no sessions to end",
    responses: {},
  },
} as const satisfies Record<keyof typeof ROUTE_POLICIES, RouteDoc>;
