/**
 * Which limit a request counts against: its route's declared rate class (the route policy
 * table, `src/http/route-policy.ts`) picks the rule (limit and window from the config), and
 * the caller picks the key (IP, user, API key or workspace).
 */
import type { Principal } from "../auth/principal";
import type { Config } from "../config";
import type { RateLimitClass } from "../config/ratelimit";
import type { RoutePolicy } from "../http/route-policy";
import { routePolicyFor } from "../http/route-policy-lookup";
import { ipKey } from "./ip-key";
import type { RateLimitRule } from "./types";

/**
 * The class a route's policy names, or `null` for the exempt probes.
 *
 * @example
 * limitClassOf({ access: "public", write: false, rate: "exempt", body: "json" }); // null
 */
export function limitClassOf(policy: RoutePolicy): RateLimitClass | null {
  return policy.rate === "exempt" ? null : policy.rate;
}

/**
 * The route class of `method path`, or `null` for the few exempt probes.
 *
 * @example
 * routeClass("POST", "/login"); // "auth"
 * routeClass("DELETE", "/documents"); // "ingest"
 */
export function routeClass(method: string, path: string): RateLimitClass | null {
  return limitClassOf(routePolicyFor(method, path));
}

const RULE_FIELDS = {
  auth: ["RATE_LIMIT_AUTH_LIMIT", "RATE_LIMIT_AUTH_WINDOW_SECONDS"],
  query: ["RATE_LIMIT_QUERY_LIMIT", "RATE_LIMIT_QUERY_WINDOW_SECONDS"],
  ingest: ["RATE_LIMIT_INGEST_LIMIT", "RATE_LIMIT_INGEST_WINDOW_SECONDS"],
  admin: ["RATE_LIMIT_ADMIN_LIMIT", "RATE_LIMIT_ADMIN_WINDOW_SECONDS"],
  default: ["RATE_LIMIT_DEFAULT_LIMIT", "RATE_LIMIT_DEFAULT_WINDOW_SECONDS"],
} as const satisfies Record<RateLimitClass, readonly [keyof Config, keyof Config]>;

/** The configured limit and window of a class. */
export function ruleFor(routeClass: RateLimitClass, config: Config): RateLimitRule {
  const [limitField, windowField] = RULE_FIELDS[routeClass];
  return { limit: config[limitField], windowMs: config[windowField] * 1000 };
}

export interface Caller {
  clientIp: string;
  principal?: Principal | undefined;
  /**
   * True when the request will be refused (403: role too low, or a workspace the caller may not
   * act in): it is counted on the caller's own key, never on a budget shared with others.
   */
  refused?: boolean;
}

/**
 * The limiter key: the class plus who is counted. Anonymous callers, and everyone in open
 * mode (where all callers are the same guest), are counted by IP, so nobody can drain another
 * user's quota without proving who they are. Ingestion is counted per workspace as soon as the
 * caller is known, because the pipeline behind it is per workspace; a request the caller may
 * not make is counted on the caller's own key instead, so a viewer's refused writes cannot use
 * up the editors' budget.
 *
 * @example
 * limiterKey("query", { clientIp: "203.0.113.9", principal }); // "query:key:k_123"
 */
export function limiterKey(routeClass: RateLimitClass, caller: Caller): string {
  const { principal } = caller;
  const byIp = `${routeClass}:ip:${ipKey(caller.clientIp)}`;
  if (routeClass === "auth" || !principal) return byIp;
  if (caller.refused) return ownKey(routeClass, principal, byIp);
  if (routeClass === "ingest") return `ingest:ws:${principal.workspace}`;
  if (principal.via === "open") return byIp;
  if (routeClass === "query" && principal.via === "api_key" && principal.sessionId) {
    return `query:key:${principal.sessionId}`;
  }
  return `${routeClass}:user:${principal.userId}`;
}

/** The key of the caller alone: its API key, else its user, else (open mode) its address. */
function ownKey(routeClass: RateLimitClass, principal: Principal, byIp: string): string {
  if (principal.via === "open") return byIp;
  if (principal.via === "api_key" && principal.sessionId) return `${routeClass}:key:${principal.sessionId}`;
  return `${routeClass}:user:${principal.userId}`;
}
