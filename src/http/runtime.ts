/** The request as a `Runtime`, for services shared with queue and cron work (backups, audit). */
import type { Context } from "hono";
import { requestWaitUntil } from "../observability/request-context";
import type { Runtime } from "../runtime/runtime";
import type { AppEnv } from "./app-env";

/**
 * The runtime of this request: its config, the flags `resolveRuntimeFlags` resolved, its logger
 * and services. Only for routes behind that middleware.
 *
 * @example
 * return c.json(await runVerification(requestRuntime(c), id));
 */
export function requestRuntime(c: Context<AppEnv>): Runtime {
  return {
    env: c.env,
    config: c.get("config"),
    flags: c.get("flags"),
    workspaceLocks: c.get("workspaceLocks"),
    log: c.get("logger"),
    waitUntil: requestWaitUntil(c),
    services: c.get("services"),
  };
}
