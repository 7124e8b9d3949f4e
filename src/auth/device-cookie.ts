/**
 * The device cookie of OWASP's lockout advice: a random value handed to a browser after a good
 * password, so that its later logins are told apart from an attacker's and are not locked by
 * the attacker's failures. Only its SHA-256 is stored (in the username's `LoginGuard`); it is
 * sent only to the two login paths, never to scripts (HttpOnly) nor from other sites (Strict).
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { randomToken, sha256Hex } from "./encoding";

export const DEVICE_COOKIE = "lightrag_device";
/** A year; refreshed (and rotated) by every successful login. Browsers cap cookies at 400 days. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;
/** The paths of LightRAG's form login and of the JSON login: nowhere else needs the cookie. */
export const DEVICE_COOKIE_PATHS = ["/login", "/auth/login"] as const;

const PREFIX = "d1.";
/** `d1.` and 32 random bytes in base64url: anything else is ignored as if absent. */
const cookieValue = z.string().regex(/^d1\.[A-Za-z0-9_-]{43}$/);

/**
 * The SHA-256 of the device cookie the request carries, or undefined when it has none (or a
 * malformed one).
 *
 * @example
 * const device = await presentedDevice(c); // "9f86d0…" or undefined
 */
export async function presentedDevice(c: Context<AppEnv>): Promise<string | undefined> {
  const parsed = cookieValue.safeParse(getCookie(c, DEVICE_COOKIE));
  return parsed.success ? sha256Hex(parsed.data) : undefined;
}

/** A new device cookie value and the hash to store for it. */
export async function newDevice(now: number): Promise<{ value: string; hash: string; expiresAt: number }> {
  const value = randomToken(PREFIX);
  return { value, hash: await sha256Hex(value), expiresAt: now + DEVICE_COOKIE_MAX_AGE_SECONDS * 1000 };
}

/**
 * Sets the cookie on the answer, once per login path. `Secure` always, except on plain http in
 * development (a browser drops a Secure cookie sent over http from anything but localhost).
 *
 * @example
 * giveDevice(c, device.value);
 */
export function giveDevice(c: Context<AppEnv>, value: string): void {
  const plainHttp = new URL(c.req.url).protocol === "http:";
  const secure = !(plainHttp && c.get("config").NODE_ENV === "development");
  for (const path of DEVICE_COOKIE_PATHS) {
    setCookie(c, DEVICE_COOKIE, value, {
      path,
      httpOnly: true,
      secure,
      sameSite: "Strict",
      maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
    });
  }
}
