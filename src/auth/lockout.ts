/** Talks to the per-username `LoginGuard` Durable Object with the configured limits. */
import type { Context } from "hono";
import type { Config } from "../config";
import type { Env } from "../env";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../http/errors";
import { ipKey } from "../ratelimit/ip-key";
import { presentedDevice } from "./device-cookie";
import type { LockoutLimits, LockStatus, LoginClient } from "./login-guard";

export function lockoutLimits(config: Config): LockoutLimits {
  return {
    maxPerClient: config.LOGIN_MAX_FAILED_ATTEMPTS,
    maxPerAccount: config.LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS,
    windowMs: config.LOGIN_LOCKOUT_WINDOW_SECONDS * 1000,
    durationMs: config.LOGIN_LOCKOUT_DURATION_SECONDS * 1000,
  };
}

/** The guard of one (normalised) username; unknown usernames get one too, so answers match. */
export function loginGuard(env: Env, username: string) {
  return env.LOGIN_GUARD.get(env.LOGIN_GUARD.idFromName(`login:${username}`));
}

/**
 * Who is logging in, as the guard counts it: the address prefix the rate limiter also uses
 * (IPv6 /64, whole IPv4 address), and the hash of the device cookie the request carries.
 *
 * @example
 * const client = await loginClient(c); // { prefix: "2001:db8:0:0::/64", device: undefined }
 */
export async function loginClient(c: Context<AppEnv>): Promise<LoginClient> {
  return { prefix: ipKey(c.get("clientIp") ?? "unknown"), device: await presentedDevice(c) };
}

/** The 429 of a locked login, with `Retry-After`. */
export function lockedError(status: LockStatus): AppError {
  return new AppError(429, "rate_limited", "Too many failed login attempts; try again later", {
    headers: { "Retry-After": String(status.retryAfterSeconds) },
    details: { retry_after_seconds: status.retryAfterSeconds },
  });
}
