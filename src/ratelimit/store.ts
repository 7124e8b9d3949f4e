/** Picks the limiter store the config asks for; one Upstash client per config, reused across requests. */
import type { Config } from "../config";
import type { Env } from "../env";
import { DurableObjectStore } from "./durable-object-store";
import type { RateLimitStore } from "./types";
import { UpstashStore } from "./upstash-store";

const upstashByConfig = new WeakMap<Config, UpstashStore>();

/**
 * @example
 * const decision = await limiterStore(config, env).hit("auth:ip:203.0.113.9", rule);
 */
export function limiterStore(config: Config, env: Env): RateLimitStore {
  if (config.RATE_LIMIT_BACKEND === "durable_object") return new DurableObjectStore(env.RATE_LIMITER);
  let store = upstashByConfig.get(config);
  if (!store) {
    // ratelimitProblems() refuses the config without both, so these are set here.
    store = new UpstashStore({
      url: config.UPSTASH_REDIS_REST_URL ?? "",
      token: config.UPSTASH_REDIS_REST_TOKEN ?? "",
      timeoutMs: config.RATE_LIMIT_TIMEOUT_MS,
    });
    upstashByConfig.set(config, store);
  }
  return store;
}
