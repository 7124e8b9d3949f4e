/**
 * What each entry point resolves once and hands down: the bindings, the validated config, the
 * effective runtime flags (env defaults with the flags object's overrides, cached per isolate
 * for FLAGS_CACHE_SECONDS), a logger, `waitUntil` and the services built from them. Leaf
 * modules (audit, coordinator, providers, the queue and cron handlers) take a `Runtime` or a
 * part of it and never read the env config themselves.
 */
import { type Config, loadConfig } from "../config";
import type { Env } from "../env";
import { currentFlagsView, type FlagsView } from "../flags";
import type { Flags, WorkspaceLock } from "../flags/names";
import { createLogger, type LogFields, type Logger } from "../observability/logger";
import type { WaitUntil } from "./background";
import { createServices, type Services } from "./services";

export type { WaitUntil };

export interface Runtime {
  env: Env;
  config: Config;
  /** Effective runtime flags, resolved once for this request, batch, cron run or call. */
  flags: Flags;
  workspaceLocks: Record<string, WorkspaceLock>;
  log: Logger;
  waitUntil: WaitUntil;
  services: Services;
}

/**
 * Assembles a runtime from what the caller has already resolved.
 *
 * @example
 * const rt = runtimeOf(c.env, c.get("config"), { flags, workspaceLocks }, c.get("logger"), waitUntil);
 */
export function runtimeOf(
  env: Env,
  config: Config,
  view: FlagsView,
  log: Logger,
  waitUntil: WaitUntil,
): Runtime {
  return {
    env,
    config,
    flags: view.flags,
    workspaceLocks: view.workspaceLocks,
    log,
    waitUntil,
    services: createServices(env, config, view.flags, log),
  };
}

/**
 * Resolves config and flags for a queue batch or a cron run; null while the config is invalid
 * (the caller logs and retries later rather than working with defaults).
 *
 * @example
 * const rt = await resolveRuntime(env, (p) => ctx.waitUntil(p), { queue: batch.queue });
 */
export async function resolveRuntime(
  env: Env,
  waitUntil: WaitUntil,
  logFields: LogFields = {},
): Promise<Runtime | null> {
  const { config } = loadConfig(env);
  if (!config) return null;
  const log = createLogger(config.LOG_LEVEL, logFields);
  return runtimeOf(env, config, await currentFlagsView(env, config), log, waitUntil);
}
