/**
 * Resolves the request's effective runtime flags once (env defaults with the overrides of the
 * flags object, cached per isolate for FLAGS_CACHE_SECONDS) and builds the request's services
 * from the composition root. Everything after it (flag guard, audit, routes) reads
 * `c.get("flags")` / `c.get("services")` instead of the env config.
 */
import type { MiddlewareHandler } from "hono";
import { currentFlagsView } from "../../flags";
import { createServices } from "../../runtime/services";
import type { AppEnv } from "../app-env";

/** Health probes do their own, bounded I/O: they never wait for the flags object. */
function isHealth(path: string): boolean {
  return path === "/health" || path.startsWith("/health/");
}

export const resolveRuntimeFlags: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = c.get("config");
  if (config && !isHealth(c.req.path)) {
    const { flags, workspaceLocks } = await currentFlagsView(c.env, config);
    c.set("flags", flags);
    c.set("workspaceLocks", workspaceLocks);
    const services = createServices(c.env, config, flags, c.get("logger"));
    c.set("services", services);
    // Its Postgres pool (neon) ends after the body and every waitUntil task of the request.
    c.get("invocation")?.closeAtEnd(services.close);
  }
  await next();
};
