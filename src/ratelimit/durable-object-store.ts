/** The default store: one `RateLimiter` Durable Object per limiter key, reached over RPC. */
import { durableObjectId } from "../storage/durable-object-ids";
import type { RateLimiter } from "./limiter-object";
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from "./types";

export class DurableObjectStore implements RateLimitStore {
  readonly backend = "durable_object";

  constructor(private readonly namespace: DurableObjectNamespace<RateLimiter>) {}

  hit(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    // idFromName is deterministic: every isolate in every location reaches the same object.
    const stub = this.namespace.get(durableObjectId(this.namespace, key));
    return stub.hit(rule);
  }
}
