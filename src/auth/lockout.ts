/** Talks to the per-username `LoginGuard` Durable Object with the configured limits. */
import type { Config } from "../config";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import type { LockoutLimits, LockStatus } from "./login-guard";

export function lockoutLimits(config: Config): LockoutLimits {
  return {
    maxPerAddress: config.LOGIN_MAX_FAILED_ATTEMPTS,
    maxPerAccount: config.LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS,
    windowMs: config.LOGIN_LOCKOUT_WINDOW_SECONDS * 1000,
    durationMs: config.LOGIN_LOCKOUT_DURATION_SECONDS * 1000,
  };
}

/** The guard of one (normalised) username; unknown usernames get one too, so answers match. */
export function loginGuard(env: Env, username: string) {
  return env.LOGIN_GUARD.get(env.LOGIN_GUARD.idFromName(`login:${username}`));
}

/** The 429 of a locked login, with `Retry-After`. */
export function lockedError(status: LockStatus): AppError {
  return new AppError(429, "rate_limited", "Too many failed login attempts; try again later", {
    headers: { "Retry-After": String(status.retryAfterSeconds) },
    details: { retry_after_seconds: status.retryAfterSeconds },
  });
}
