/**
 * Which limit a request counts against: its route class picks the rule (limit and window from
 * the config) and what identifies the caller (IP, user, API key or workspace).
 */
import type { Principal } from "../auth/principal";
import type { Config } from "../config";
import type { RateLimitClass } from "../config/ratelimit";
import { isReadRequest, QUERY_PATHS } from "../http/route-classes";
import { ipKey } from "./ip-key";
import type { RateLimitRule } from "./types";

/** Probes that load balancers and uptime checks hit on a timer; limiting them only causes false alarms. */
const EXEMPT_PATHS = new Set(["/health/live", "/health/ready"]);

const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * The route class of a request, or `null` for the few exempt probes.
 *
 * @example
 * routeClass("POST", "/login"); // "auth"
 * routeClass("DELETE", "/documents/doc-1"); // "ingest"
 */
export function routeClass(method: string, path: string): RateLimitClass | null {
  if (EXEMPT_PATHS.has(path)) return null;
  if (path === "/login" || isUnder(path, "/auth")) return "auth";
  if (isUnder(path, "/query") || QUERY_PATHS.has(path)) return "query";
  // LightRAG lists documents with a POST; reads count as ordinary requests.
  if (isUnder(path, "/documents") && !isReadRequest(method, path)) {
    return "ingest";
  }
  if (isUnder(path, "/admin")) return "admin";
  return "default";
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
}

/**
 * The limiter key: the class plus who is counted. Anonymous callers, and everyone in open
 * mode (where all callers are the same guest), are counted by IP, so nobody can drain another
 * user's quota without proving who they are. Ingestion is counted per workspace as soon as the
 * caller is known, because the pipeline behind it is per workspace.
 *
 * @example
 * limiterKey("query", { clientIp: "203.0.113.9", principal }); // "query:key:k_123"
 */
export function limiterKey(routeClass: RateLimitClass, caller: Caller): string {
  const { principal } = caller;
  const byIp = `${routeClass}:ip:${ipKey(caller.clientIp)}`;
  if (routeClass === "auth" || !principal) return byIp;
  if (routeClass === "ingest") return `ingest:ws:${principal.workspace}`;
  if (principal.via === "open") return byIp;
  if (routeClass === "query" && principal.via === "api_key" && principal.sessionId) {
    return `query:key:${principal.sessionId}`;
  }
  return `${routeClass}:user:${principal.userId}`;
}
