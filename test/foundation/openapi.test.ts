/**
 * The API reference against the running Worker: every registered route is in /openapi.json
 * and nothing else is; a representative real answer of each route matches the schema the
 * reference documents for its status (errors: the envelope); the document has OpenAPI 3.1's
 * shape; /docs is served by the Worker, framable by the same origin only, with no external URL.
 */
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { ROUTE_DOCS } from "../../src/http/openapi/registry";
import type { RouteDoc } from "../../src/http/openapi/route-doc";
import { settled } from "../documents/helpers";
import { checked, conforms } from "../openapi-conformance";

const docs: Record<string, RouteDoc> = ROUTE_DOCS;
const WS = "openapi_ws";

/** `METHOD pattern` of every route the app registers (as test/foundation/route-policy.test.ts). */
function registeredRoutes(): string[] {
  const keys = createApp()
    .routes.filter((route) => !(route.method === "ALL" && route.path.endsWith("*")))
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(keys)].sort();
}

interface Spec {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

async function spec(): Promise<Spec> {
  const response = await SELF.fetch("http://x/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as Spec;
}

/** `METHOD pattern` of every operation of the document. */
function specRoutes(document: Spec): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    )
    .sort();
}

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return SELF.fetch(`http://x${path}`, {
    method,
    headers: {
      "LIGHTRAG-WORKSPACE": WS,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe("/openapi.json", () => {
  it("has every registered route and no other", async () => {
    const registered = registeredRoutes();
    const documented = specRoutes(await spec());
    expect(registered.length).toBeGreaterThan(50);
    expect(
      registered.filter((key) => !documented.includes(key)),
      "registered but not documented",
    ).toEqual([]);
    expect(
      documented.filter((key) => !registered.includes(key)),
      "documented but not registered",
    ).toEqual([]);
  });

  it("has OpenAPI 3.1's shape, with the error envelope and the security schemes", async () => {
    const document = await spec();
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).toBe("lightrag-edge");
    expect(document.info.version).toEqual(expect.any(String));
    // OAS 3.1's default dialect is already JSON Schema 2020-12; Swagger UI warns on any other value.
    expect((document as unknown as Record<string, unknown>).jsonSchemaDialect).toBeUndefined();
    expect(Object.keys(document.components.schemas)).toContain("ErrorEnvelope");
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["apiKey", "bearer", "password"]);
    for (const [path, operations] of Object.entries(document.paths)) {
      expect(path.startsWith("/"), path).toBe(true);
      expect(path, "Hono's :param is written {param}").not.toContain(":");
      for (const [method, operation] of Object.entries(operations)) {
        expect(["get", "post", "put", "patch", "delete"], method).toContain(method);
        expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(1);
      }
    }
    // Generated from the routes' own zod schemas: LightRAG's QueryRequest fields and limits.
    const query = document.paths["/query"]?.post as unknown as {
      requestBody: { content: { "application/json": { schema: { properties: Record<string, unknown> } } } };
    };
    const properties = query.requestBody.content["application/json"].schema.properties;
    expect(properties.mode).toMatchObject({ enum: expect.arrayContaining(["mix", "naive", "bypass"]) });
    expect(properties.query).toMatchObject({ type: "string" });
    // Every reference resolves inside the document (a zod `$defs` reference would not).
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1] ?? "");
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas[ref.split("/").at(-1) ?? ""], ref).toBeDefined();
    }
    // Public routes need no credentials; the others name the schemes.
    expect(document.paths["/health"]?.get?.security).toEqual([]);
    expect(document.paths["/graphs"]?.get?.security).toEqual([
      { bearer: [] },
      { apiKey: [] },
      { password: [] },
    ]);
  });
});

describe("/docs", () => {
  it("is an HTML page of the Worker that the same origin may frame, with no external URL", async () => {
    const response = await SELF.fetch("http://x/docs?theme=light");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toMatch(/https?:/);
    expect(response.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    const html = await response.text();
    expect(html).toContain('id="swagger-ui"');
    expect(html).toContain("/vendor/swagger-ui/swagger-ui-bundle.js");
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it("starts Swagger UI from a same-origin script that turns off its external validator badge", async () => {
    // Static assets are served before the Worker; here, straight from the ASSETS binding.
    const response = await env.ASSETS.fetch("http://x/docs-init.js");
    expect(response.status).toBe(200);
    const script = await response.text();
    expect(script).toContain("validatorUrl: null");
    expect(script).not.toMatch(/https?:\/\//);
  });

  it("leaves every other answer unframable", async () => {
    for (const path of ["/openapi.json", "/docs/", "/health"]) {
      const response = await SELF.fetch(`http://x${path}`);
      expect(response.headers.get("X-Frame-Options"), path).toBe("DENY");
      expect(response.headers.get("Content-Security-Policy"), path).toContain("frame-ancestors 'none'");
    }
  });
});

describe("real answers match their documented schemas", { timeout: 90_000 }, () => {
  let trackId = "";
  let docId = "";

  beforeAll(async () => {
    const inserted = await call("POST", "/documents/text", {
      text: "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.",
      file_source: "ada.txt",
    });
    const body = (await conforms("POST /documents/text", inserted, 200)) as { track_id: string };
    trackId = body.track_id;
    await settled(WS);
  }, 60_000);

  it("health and reference", async () => {
    await conforms("GET /health", await call("GET", "/health"));
    await conforms("GET /health/live", await call("GET", "/health/live"), 200);
    await conforms("GET /health/ready", await call("GET", "/health/ready"));
    await conforms("GET /metrics", await call("GET", "/metrics"));
    await conforms("GET /openapi.json", await call("GET", "/openapi.json"), 200);
    await conforms("GET /docs", await call("GET", "/docs"), 200);
  });

  it("auth routes in open mode", async () => {
    await conforms("GET /auth-status", await call("GET", "/auth-status"), 200);
    await conforms("GET /.well-known/jwks.json", await call("GET", "/.well-known/jwks.json"));
    await conforms(
      "POST /login",
      await SELF.fetch("http://x/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "username=a&password=b",
      }),
      200,
    );
    await conforms("GET /auth/me", await call("GET", "/auth/me"), 200);
    await conforms("POST /auth/login", await call("POST", "/auth/login", { username: "x" }), 422);
  });

  it("queries", async () => {
    const question = { query: "Who worked with Charles Babbage?", mode: "mix" };
    await conforms("POST /query", await call("POST", "/query", question), 200);
    await conforms(
      "POST /query",
      await call("POST", "/query", { ...question, include_chunk_content: true }),
      200,
    );
    await conforms(
      "POST /api/query",
      await call("POST", "/api/query", { ...question, include_references: false }),
      200,
    );
    const answer = (await conforms("POST /query/data", await call("POST", "/query/data", question), 200)) as {
      data: { entities: Record<string, unknown>[] };
    };
    // Entities were really checked; one of them renamed no longer matches.
    const [entity, ...more] = answer.data.entities;
    expect(entity).toBeDefined();
    const { entity_name, ...others } = entity ?? {};
    const renamed = {
      ...answer,
      data: { ...answer.data, entities: [{ ...others, name: entity_name }, ...more] },
    };
    expect(ROUTE_DOCS["POST /query/data"].responses[200].safeParse(renamed).success).toBe(false);
    await conforms(
      "POST /query/data",
      await call("POST", "/query/data", { ...question, mode: "bypass" }),
      200,
    );
    await conforms("POST /query/stream", await call("POST", "/query/stream", question), 200);
    await conforms("POST /query", await call("POST", "/query", { query: "x" }), 422);
  });

  it("graph reads", async () => {
    const graph = (await conforms(
      "GET /graphs",
      await call("GET", "/graphs?label=Charles%20Babbage&max_depth=2"),
      200,
    )) as { nodes: unknown[]; edges: unknown[] };
    // The ingested text's graph: nodes and edges were really checked, not empty lists.
    expect(graph.nodes.length).toBeGreaterThan(1);
    expect(graph.edges.length).toBeGreaterThan(0);
    await conforms("GET /graphs", await call("GET", "/graphs?label=*"), 200);
    await conforms("GET /graphs", await call("GET", "/graphs"), 422);
    await conforms("GET /graph/label/list", await call("GET", "/graph/label/list"), 200);
    await conforms("GET /graph/label/popular", await call("GET", "/graph/label/popular?limit=5"), 200);
    await conforms("GET /graph/label/search", await call("GET", "/graph/label/search?q=ada"), 200);
    await conforms("GET /graph/entity/exists", await call("GET", "/graph/entity/exists?name=London"), 200);
  });

  it("document reads and writes", async () => {
    const page = (await conforms(
      "POST /documents/paginated",
      await call("POST", "/documents/paginated", { page: 1, page_size: 10 }),
      200,
    )) as { documents: { id: string }[] };
    docId = page.documents[0]?.id ?? "";
    expect(docId).not.toBe("");
    await conforms("GET /documents", await call("GET", "/documents"), 200);
    await conforms("GET /documents/pipeline_status", await call("GET", "/documents/pipeline_status"), 200);
    await conforms("GET /documents/status_counts", await call("GET", "/documents/status_counts"), 200);
    await conforms(
      "GET /documents/supported_file_types",
      await call("GET", "/documents/supported_file_types"),
      200,
    );
    await conforms(
      "GET /documents/track_status/:track_id",
      await call("GET", `/documents/track_status/${trackId}`),
      200,
    );
    await conforms(
      "POST /documents/texts",
      await call("POST", "/documents/texts", {
        texts: ["Grace Hopper wrote compilers."],
        file_sources: ["grace.txt"],
      }),
      200,
    );
    // The same content again: LightRAG's `duplicated` answer.
    await conforms(
      "POST /documents/texts",
      await call("POST", "/documents/texts", {
        texts: ["Grace Hopper wrote compilers."],
        file_sources: ["grace2.txt"],
      }),
      200,
    );
    const form = new FormData();
    form.set("file", new File(["Alan Turing studied computability."], "turing.txt", { type: "text/plain" }));
    await conforms(
      "POST /documents/upload",
      await SELF.fetch("http://x/documents/upload", {
        method: "POST",
        headers: { "LIGHTRAG-WORKSPACE": WS },
        body: form,
      }),
      200,
    );
    await conforms("POST /documents/text", await call("POST", "/documents/text", { text: "" }), 422);
    await settled(WS);
    await conforms("POST /documents/cancel_pipeline", await call("POST", "/documents/cancel_pipeline"), 200);
    await conforms(
      "POST /documents/reprocess_failed",
      await call("POST", "/documents/reprocess_failed"),
      200,
    );
    await conforms("POST /documents/clear_cache", await call("POST", "/documents/clear_cache"), 200);
    await settled(WS);
    await conforms(
      "DELETE /documents/delete_document",
      await call("DELETE", "/documents/delete_document", { doc_ids: [docId] }),
      200,
    );
    await conforms(
      "DELETE /documents/delete_document",
      await call("DELETE", "/documents/delete_document", { doc_ids: ["doc-none"] }),
      404,
    );
  });

  it("administration", async () => {
    await conforms("GET /admin/users", await call("GET", "/admin/users"), 200);
    const created = (await conforms(
      "POST /admin/users",
      await call("POST", "/admin/users", {
        username: "openapi_user",
        password: "a-Long-and-unusual-passphrase-42",
      }),
      201,
    )) as { user: { id: string } };
    const id = created.user.id;
    await conforms("GET /admin/users/:id", await call("GET", `/admin/users/${id}`), 200);
    await conforms(
      "PATCH /admin/users/:id",
      await call("PATCH", `/admin/users/${id}`, { role: "viewer" }),
      200,
    );
    await conforms("POST /admin/users/:id/unlock", await call("POST", `/admin/users/${id}/unlock`), 200);
    await conforms("GET /admin/users/:id", await call("GET", "/admin/users/nobody"), 404);

    await conforms(
      "POST /admin/workspaces",
      await call("POST", "/admin/workspaces", { id: "openapi_team" }),
      201,
    );
    await conforms("GET /admin/workspaces", await call("GET", "/admin/workspaces"), 200);
    await conforms(
      "POST /admin/workspaces/:id/members",
      await call("POST", "/admin/workspaces/openapi_team/members", { user_id: id }),
      201,
    );
    await conforms(
      "GET /admin/workspaces/:id/members",
      await call("GET", "/admin/workspaces/openapi_team/members"),
      200,
    );
    await conforms(
      "DELETE /admin/workspaces/:id/members/:userId",
      await call("DELETE", `/admin/workspaces/openapi_team/members/${id}`),
      200,
    );

    const key = (await conforms(
      "POST /admin/api-keys",
      await call("POST", "/admin/api-keys", { name: "docs", workspace: WS }),
      201,
    )) as { id: string };
    await conforms("GET /admin/api-keys", await call("GET", "/admin/api-keys"), 200);
    await conforms("DELETE /admin/api-keys/:id", await call("DELETE", `/admin/api-keys/${key.id}`), 200);
    await conforms("DELETE /admin/users/:id", await call("DELETE", `/admin/users/${id}`), 200);

    await conforms("GET /admin/audit", await call("GET", "/admin/audit?limit=5"), 200);
    await conforms("GET /admin/llm/status", await call("GET", "/admin/llm/status"), 200);
    await conforms("GET /admin/llm/usage", await call("GET", "/admin/llm/usage"), 200);
    await conforms("GET /admin/analytics", await call("GET", "/admin/analytics?range=day"), 200);
    await conforms("GET /admin/analytics", await call("GET", "/admin/analytics?range=year"), 422);
    await conforms("GET /admin/flags", await call("GET", "/admin/flags"), 200);
    await conforms(
      "PUT /admin/flags",
      await call("PUT", "/admin/flags", { ENHANCED_PROCESSING: false }),
      200,
    );
    await conforms("GET /admin/backups", await call("GET", "/admin/backups"), 200);
    await conforms("GET /admin/backups/:id", await call("GET", "/admin/backups/none"), 404);
    await conforms("GET /admin/backups/:id/restore", await call("GET", "/admin/backups/none/restore"), 404);
    await conforms("POST /admin/backups/:id/verify", await call("POST", "/admin/backups/none/verify"), 404);
    await conforms(
      "POST /admin/backups/:id/restore",
      await call("POST", "/admin/backups/none/restore", {}),
      404,
    );
    await conforms(
      "DELETE /admin/workspaces/:id",
      await call("DELETE", "/admin/workspaces/openapi_team", { confirm: "openapi_team" }),
      200,
    );
  });

  it("a renamed field fails the check", async () => {
    const live = (await (await call("GET", "/health/live")).json()) as Record<string, unknown>;
    const { version, ...rest } = live;
    const renamed = { ...rest, service_version: version };
    const schema = ROUTE_DOCS["GET /health/live"].responses[200];
    expect(schema.safeParse(live).success).toBe(true);
    expect(schema.safeParse(renamed).success).toBe(false);
  });

  it("backups: start, list, read, verify", async () => {
    const { id } = (await conforms("POST /admin/backups", await call("POST", "/admin/backups"), 202)) as {
      id: string;
    };
    let status = "";
    for (let i = 0; i < 150 && status !== "verified"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { backups } = (await conforms(
        "GET /admin/backups",
        await call("GET", "/admin/backups"),
        200,
      )) as {
        backups: { id: string; status: string }[];
      };
      status = backups.find((backup) => backup.id === id)?.status ?? "";
    }
    expect(status).toBe("verified");
    await conforms("GET /admin/backups/:id", await call("GET", `/admin/backups/${id}`), 200);
    await conforms("POST /admin/backups/:id/verify", await call("POST", `/admin/backups/${id}/verify`), 200);
  }, 30_000);

  it("clearing the workspace", async () => {
    await settled(WS);
    await conforms("DELETE /documents", await call("DELETE", "/documents"), 200);
  });

  it("Ollama emulation, MCP (off by default), scan and graph edits", async () => {
    await conforms("GET /api/version", await call("GET", "/api/version"), 200);
    await conforms("GET /api/tags", await call("GET", "/api/tags"), 200);
    await conforms("GET /api/ps", await call("GET", "/api/ps"), 200);
    const chat = {
      model: "lightrag:latest",
      stream: false,
      messages: [{ role: "user", content: "/local Ada?" }],
    };
    await conforms("POST /api/chat", await call("POST", "/api/chat", chat), 200);
    const generate = { model: "lightrag:latest", stream: false, prompt: "Say hello" };
    await conforms("POST /api/generate", await call("POST", "/api/generate", generate), 200);
    await conforms("GET /mcp", await call("GET", "/mcp"), 503);
    // The workspace was cleared above: nothing to pick up, nothing to retry.
    await conforms("POST /documents/scan", await call("POST", "/documents/scan"), 200);
    const entity = {
      entity_name: "Openapi Probe",
      entity_data: { entity_type: "CONCEPT", description: "A probe." },
    };
    await conforms("POST /graph/entity/create", await call("POST", "/graph/entity/create", entity), 200);
    const edit = { entity_name: "Openapi Probe", updated_data: { description: "An edited probe." } };
    await conforms("POST /graph/entity/edit", await call("POST", "/graph/entity/edit", edit), 200);
    const gone = { entity_name: "Openapi Probe" };
    await conforms("DELETE /graph/entity/delete", await call("DELETE", "/graph/entity/delete", gone), 200);
  });

  it("covers every GET and the main POSTs", () => {
    const gets = Object.keys(docs).filter((key) => key.startsWith("GET "));
    const main = [
      "POST /query",
      "POST /query/data",
      "POST /query/stream",
      "POST /documents/text",
      "POST /documents/texts",
      "POST /documents/paginated",
      "POST /login",
      "POST /admin/users",
      "POST /admin/api-keys",
    ];
    const unchecked = [...gets, ...main].filter(
      (key) => !checked.has(key) && ![...checked].some((seen) => seen.startsWith(`${key} `)),
    );
    expect(unchecked).toEqual([]);
  });
});
