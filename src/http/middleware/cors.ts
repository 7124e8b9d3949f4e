/**
 * CORS from `CORS_ORIGINS` (comma-separated, `*` for any). Credentials are allowed only for an
 * explicit origin list, as browsers refuse them with `*` anyway.
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { loadConfig } from "../../config";
import type { AppEnv } from "../app-env";

const ALLOWED_HEADERS = [
  "Content-Type",
  "Authorization",
  "X-API-Key",
  "X-Request-ID",
  "LIGHTRAG-WORKSPACE",
  // MCP's Streamable HTTP headers, for MCP clients running in a browser.
  "Mcp-Protocol-Version",
  "Mcp-Session-Id",
  "Last-Event-ID",
];
const EXPOSED_HEADERS = [
  "X-Request-ID",
  "X-New-Token",
  "Retry-After",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Policy",
];
const PREFLIGHT_CACHE_SECONDS = 600;

type Cors = ReturnType<typeof cors>;
const byOrigins = new Map<string, Cors>();

function corsFor(origins: string[]): Cors {
  const key = origins.join(",");
  let handler = byOrigins.get(key);
  if (!handler) {
    const any = origins.includes("*");
    handler = cors({
      origin: any ? "*" : origins,
      credentials: !any,
      allowHeaders: ALLOWED_HEADERS,
      exposeHeaders: EXPOSED_HEADERS,
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      maxAge: PREFLIGHT_CACHE_SECONDS,
    });
    byOrigins.set(key, handler);
  }
  return handler;
}

export const corsPolicy: MiddlewareHandler<AppEnv> = (c, next) => {
  const origins = loadConfig(c.env).config?.CORS_ORIGINS ?? [];
  // An invalid config means no cross-origin access at all until it is fixed.
  if (origins.length === 0) return next();
  return corsFor(origins)(c, next);
};
