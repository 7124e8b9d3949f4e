/**
 * Builds the OpenAPI 3.1 document from the route registry (`registry.ts`) and the route policy
 * table: JSON Schema 2020-12 from the zod schemas (`z.toJSONSchema`), security and error answers
 * from each route's policy. Built once per isolate; nothing in it is written by hand.
 */
import { z } from "zod";
import { LIGHTRAG_API_VERSION, SERVICE_VERSION } from "../../version";
import { ROUTE_POLICIES, type RoutePolicy } from "../route-policy";
import { WORKSPACE_HEADER } from "../workspace";
import { ROUTE_DOCS } from "./registry";
import { errorEnvelopeSchema } from "./responses/common";
import { isRawResponse, type RouteDoc } from "./route-doc";

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const ERROR_REF = { $ref: "#/components/schemas/ErrorEnvelope" };

/** JSON Schema of `schema` as a request (`input`: defaults optional) or a response (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

/** `/admin/users/:id` → `/admin/users/{id}`, and the names of its parameters. */
function openApiPath(pattern: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = pattern.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

function queryParameters(query: z.ZodObject): Operation[] {
  const schema = jsonSchema(query, "input");
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.has(name),
    schema: property,
  }));
}

/** The error statuses a route can answer, from its policy and its inputs. */
function errorStatuses(doc: RouteDoc, policy: RoutePolicy): number[] {
  const statuses = new Set<number>();
  if (doc.body || doc.query) statuses.add(422);
  if (doc.body) statuses.add(400).add(413).add(415);
  if (policy.access !== "public") statuses.add(401).add(403);
  if (policy.rate !== "exempt") statuses.add(429);
  if (policy.gate || (policy.write && !policy.readOnlyExempt)) statuses.add(503);
  return [...statuses];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request",
  401: "Missing or invalid credentials",
  403: "The caller's role or workspace does not allow it",
  404: "Not found",
  413: "Body too large",
  415: "Unsupported media type",
  422: "Invalid input (details name each field)",
  429: "Rate limited (Retry-After)",
  503: "Switched off, read-only or a dependency is down (Retry-After)",
};

function responses(doc: RouteDoc, policy: RoutePolicy, hasParams: boolean): Operation {
  const out: Operation = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    if (!response) continue;
    out[status] = isRawResponse(response)
      ? {
          description: response.description,
          content: {
            [response.mediaType]: response.schema ? { schema: jsonSchema(response.schema, "output") } : {},
          },
        }
      : {
          description: "Success",
          content: { "application/json": { schema: jsonSchema(response, "output") } },
        };
  }
  const statuses = errorStatuses(doc, policy);
  if (hasParams) statuses.push(404);
  for (const status of statuses.sort((a, b) => a - b)) {
    out[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? "Error",
      content: { "application/json": { schema: ERROR_REF } },
    };
  }
  out.default = { description: "Error", content: { "application/json": { schema: ERROR_REF } } };
  return out;
}

const ACCESS_NOTE: Record<RoutePolicy["access"], string> = {
  public: "Public.",
  self: "Any signed-in caller, on its own account.",
  viewer: "Role viewer or higher in the workspace.",
  user: "Role user (editor) or higher in the workspace.",
  admin: "Role admin.",
};

function operation(key: string, doc: RouteDoc, policy: RoutePolicy, params: string[]): Operation {
  const op: Operation = {
    operationId: key.replace(/[^A-Za-z0-9]+/g, "_").replace(/_$/, ""),
    tags: [doc.tag],
    summary: doc.summary,
    description: [doc.description, ACCESS_NOTE[policy.access]].filter(Boolean).join("\n\n"),
    "x-required-role": policy.access,
  };
  const parameters: Operation[] = params.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (doc.query) parameters.push(...queryParameters(doc.query));
  if (policy.access !== "public" && policy.access !== "self") {
    parameters.push({
      name: WORKSPACE_HEADER,
      in: "header",
      required: false,
      description: "The workspace to act in (default: the session's, or WORKSPACE)",
      schema: { type: "string" },
    });
  }
  if (parameters.length > 0) op.parameters = parameters;
  if (doc.body) {
    const mediaType = doc.bodyMediaType ?? "application/json";
    op.requestBody = { required: true, content: { [mediaType]: { schema: jsonSchema(doc.body, "input") } } };
  }
  op.responses = responses(doc, policy, params.length > 0);
  op.security = policy.access === "public" ? [] : [{ bearer: [] }, { apiKey: [] }, { password: [] }];
  return op;
}

/** Everything but `paths`: the document's frame. */
function frame() {
  return {
    openapi: "3.1.1",
    info: {
      title: "lightrag-edge",
      version: SERVICE_VERSION,
      description: `LightRAG-compatible graph RAG API (LightRAG API ${LIGHTRAG_API_VERSION}). Errors are \`{"error": {code, message, request_id, details?}}\`.`,
    },
    components: {
      schemas: { ErrorEnvelope: jsonSchema(errorEnvelopeSchema, "output") },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
        password: { type: "oauth2", flows: { password: { tokenUrl: "/login", scopes: {} } } },
      },
    },
  };
}

let built: (ReturnType<typeof frame> & { paths: Record<string, Record<string, Operation>> }) | undefined;

/**
 * The OpenAPI document of every registered route.
 *
 * @example
 * const spec = openApiDocument();
 * spec.paths["/query"]?.post; // the operation, with its request and response schemas
 */
export function openApiDocument() {
  if (built) return built;
  const paths: Record<string, Record<string, Operation>> = {};
  const docs: Record<string, RouteDoc> = ROUTE_DOCS;
  const policies: Record<string, RoutePolicy> = ROUTE_POLICIES;
  for (const [key, doc] of Object.entries(docs)) {
    const [method = "", pattern = ""] = key.split(" ");
    const policy = policies[key];
    if (!policy) continue;
    const { path, params } = openApiPath(pattern);
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation(key, doc, policy, params) };
  }
  built = { ...frame(), paths };
  return built;
}
