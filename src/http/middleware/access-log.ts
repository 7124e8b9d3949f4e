/**
 * Gives each request a logger tagged with its request id and writes one JSON line when the
 * response is ready: method, path (never the query string, which may carry secrets), status,
 * duration. 5xx lines are ERROR, the rest INFO, so LOG_LEVEL=WARNING keeps only failures.
 */
import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../../config";
import { createLogger } from "../../observability/logger";
import type { AppEnv } from "../app-env";

export const accessLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  const level = loadConfig(c.env).config?.LOG_LEVEL ?? "INFO";
  const logger = createLogger(level, { request_id: c.get("requestId") });
  c.set("logger", logger);
  await next();
  const status = c.res.status;
  const fields = { method: c.req.method, path: c.req.path, status, duration_ms: Date.now() - started };
  if (status >= 500) logger.error("request", fields);
  else logger.info("request", fields);
};
