/**
 * Sets `clientIp`: Cloudflare's `CF-Connecting-IP`, which a client cannot forge, and the
 * rightmost `X-Forwarded-For` entry only when `TRUSTED_PROXY` says a proxy we trust appends it.
 */
import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../../config";
import type { AppEnv } from "../app-env";

/** What every request without a usable address is counted as (tests, local tools). */
export const UNKNOWN_CLIENT = "unknown";

/** Addresses, and the opaque tokens some proxies send instead (`test-ip`, `unknown`); never spaces or markup. */
const CLIENT_TOKEN = /^[A-Za-z0-9.:_[\]%-]{1,64}$/;

/**
 * The client address of a request.
 *
 * @example
 * resolveClientIp(headers, false); // CF-Connecting-IP, or "unknown"
 * resolveClientIp(headers, true);  // last X-Forwarded-For entry, else CF-Connecting-IP
 */
export function resolveClientIp(headers: Headers, trustedProxy: boolean): string {
  if (trustedProxy) {
    // The trusted proxy appends the address it saw; entries to its left came from the client.
    const forwarded = headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((entry) => entry.trim());
    const last = forwarded?.filter((entry) => entry.length > 0).at(-1);
    if (last && CLIENT_TOKEN.test(last)) return last;
  }
  const connecting = headers.get("cf-connecting-ip")?.trim();
  if (connecting && CLIENT_TOKEN.test(connecting)) return connecting;
  return UNKNOWN_CLIENT;
}

export const clientIp: MiddlewareHandler<AppEnv> = async (c, next) => {
  const trusted = loadConfig(c.env).config?.TRUSTED_PROXY ?? false;
  c.set("clientIp", resolveClientIp(c.req.raw.headers, trusted));
  await next();
};
