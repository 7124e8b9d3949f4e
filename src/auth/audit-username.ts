/**
 * How a login's username enters the audit trail. A known username is recorded as it is; an
 * unknown one may be a password typed into the wrong field, so only a keyed hash of it is kept:
 * the same text gives the same hash (an investigator can still see a name tried again and again)
 * and nobody without the server's key can test guesses against it. The key is derived with
 * HKDF from JWT_SECRET_KEY, for this use only; without that secret (development, EdDSA
 * staging) each isolate uses a random key, so hashes then only match within one isolate.
 */
import type { Config } from "../config";
import { randomBytes } from "./encoding";

/** HKDF `info`: a new purpose or format gets a new label, never the token key itself. */
const KEY_LABEL = "lightrag-edge audit username v1";
/** 128 bits of the HMAC: plenty to tell names apart, short enough for a log line. */
const HASH_HEX_LENGTH = 32;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();
let isolateSecret: Uint8Array | undefined;

/**
 * The audit fields naming the username of a login: `{ username }` for an account that exists,
 * `{ username_hash }` otherwise.
 *
 * @example
 * await auditUsername(config, "ann", true);              // { username: "ann" }
 * await auditUsername(config, "hunter2-oops", false);    // { username_hash: "5e1c…" }
 */
export async function auditUsername(
  config: Pick<Config, "JWT_SECRET_KEY">,
  username: string,
  known: boolean,
): Promise<{ username: string } | { username_hash: string }> {
  if (known) return { username };
  return { username_hash: await usernameHash(config, username) };
}

/** HMAC-SHA-256 of `username` with the audit key, hex, truncated to 128 bits. */
export async function usernameHash(
  config: Pick<Config, "JWT_SECRET_KEY">,
  username: string,
): Promise<string> {
  const key = await auditKey(config.JWT_SECRET_KEY);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(username)));
  let hex = "";
  for (const byte of mac) hex += byte.toString(16).padStart(2, "0");
  return hex.slice(0, HASH_HEX_LENGTH);
}

function auditKey(secret: string | undefined): Promise<CryptoKey> {
  const id = secret ?? "";
  let key = keys.get(id);
  if (!key) {
    if (!secret) isolateSecret ??= randomBytes(32);
    key = deriveKey(secret ? encoder.encode(secret) : (isolateSecret as Uint8Array));
    keys.set(id, key);
  }
  return key;
}

async function deriveKey(material: Uint8Array): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", material, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(KEY_LABEL) },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}
