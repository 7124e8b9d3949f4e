/**
 * Effective runtime flags for requests and background work: env defaults from the config with
 * the overrides of the flags Durable Object applied. Each isolate caches the object's state
 * for FLAGS_CACHE_SECONDS, so reading flags is not a round trip on every request; if the
 * object cannot be reached, the last known state (or none) is used and the error logged.
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { createLogger } from "../observability/logger";
import { FLAGS_OBJECT_NAME, type FlagsChange } from "./flags-object";
import { EMPTY_FLAGS_STATE, effectiveFlags, type Flags, type FlagsState } from "./names";

export type { FlagName, Flags, FlagsState, WorkspaceLock } from "./names";
export { FLAG_NAMES } from "./names";

/** Effective flags plus the single-workspace locks they came with. */
export interface FlagsView {
  flags: Flags;
  workspaceLocks: FlagsState["workspaceLocks"];
}

let cached: { state: FlagsState; expiresAt: number } | null = null;

function stub(env: Env) {
  return env.FLAGS.get(env.FLAGS.idFromName(FLAGS_OBJECT_NAME));
}

/** The object's state, from the isolate cache while it is fresh. */
export async function flagsState(env: Env, config: Config): Promise<FlagsState> {
  const now = Date.now();
  if (cached && cached.expiresAt > now) return cached.state;
  try {
    const state = await stub(env).read();
    cached = { state, expiresAt: now + config.FLAGS_CACHE_SECONDS * 1000 };
    return state;
  } catch (error) {
    createLogger(config.LOG_LEVEL).error("runtime flags unavailable, using the last known state", {
      error: error instanceof Error ? error.message : String(error),
    });
    return cached?.state ?? EMPTY_FLAGS_STATE;
  }
}

/** Applies a change in the Durable Object and refreshes this isolate's cache at once. */
export async function changeFlags(env: Env, config: Config, change: FlagsChange): Promise<FlagsState> {
  const state = await stub(env).change(change);
  cached = { state, expiresAt: Date.now() + config.FLAGS_CACHE_SECONDS * 1000 };
  return state;
}

/** Forgets the cached state (tests, and code that must see a change made elsewhere at once). */
export function forgetCachedFlags(): void {
  cached = null;
}

/**
 * Effective flags and workspace locks. Entry points call this once (the request middleware
 * `resolveRuntimeFlags`, `resolveRuntime` for queue batches and crons) and pass the result down.
 *
 * @example
 * const { flags, workspaceLocks } = await currentFlagsView(env, config);
 */
export async function currentFlagsView(env: Env, config: Config): Promise<FlagsView> {
  const state = await flagsState(env, config);
  return { flags: effectiveFlags(config, state.overrides), workspaceLocks: state.workspaceLocks };
}
