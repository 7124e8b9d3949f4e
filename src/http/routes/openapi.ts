/**
 * The API reference: `GET /openapi.json` (generated from the routes' zod schemas,
 * src/http/openapi/document.ts) and `GET /docs` (Swagger UI served by the Worker itself).
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { type DocsTheme, docsPage } from "../openapi/docs-page";
import { openApiDocument } from "../openapi/document";

export const openApiRoutes = new Hono<AppEnv>();

openApiRoutes.get("/openapi.json", (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(openApiDocument());
});

openApiRoutes.get("/docs", (c) => {
  const theme: DocsTheme = c.req.query("theme") === "dark" ? "dark" : "light";
  c.header("Cache-Control", "public, max-age=300");
  return c.html(docsPage(theme));
});
