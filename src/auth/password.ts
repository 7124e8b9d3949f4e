/**
 * Password hashing with scrypt (@noble/hashes), stored as a PHC string that carries its own
 * parameters and salt: `$scrypt$ln=15,r=8,p=3$<salt>$<hash>`. Verification re-derives with the
 * stored parameters, so raising the cost later only needs a re-hash at the next login.
 */
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { constantTimeEqual, fromBase64, randomBytes, toBase64 } from "./encoding";

export interface ScryptParams {
  /** log2 of N. */
  ln: number;
  r: number;
  p: number;
}

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
/** Enough for N=2^16, r=8 (the config's maximum, 64 MiB) plus noble's bookkeeping. */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024 + 1024 * 1024;

/** The hashing parameters a config asks for. */
export function paramsFromConfig(config: { PASSWORD_HASH_COST: number; PASSWORD_HASH_PARALLELISM: number }) {
  return { ln: config.PASSWORD_HASH_COST, r: 8, p: config.PASSWORD_HASH_PARALLELISM } satisfies ScryptParams;
}

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  return scryptAsync(password, salt, {
    N: 2 ** params.ln,
    r: params.r,
    p: params.p,
    dkLen: KEY_BYTES,
    maxmem: MAX_MEMORY_BYTES,
  });
}

/**
 * Hashes an already normalised password with a fresh salt.
 *
 * @example
 * const stored = await hashPassword("correct horse battery", { ln: 15, r: 8, p: 3 });
 */
export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${toBase64(salt)}$${toBase64(key)}`;
}

/** Reads a PHC string; `null` when it is not one of ours. */
export function parsePasswordHash(
  stored: string,
): (ScryptParams & { salt: Uint8Array; key: Uint8Array }) | null {
  const match = PHC.exec(stored);
  if (!match) return null;
  const [, ln, r, p, salt, key] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  // Parameters this Worker could not afford are refused rather than attempted.
  const affordable = [params.ln, params.r, params.p].every((value) => value >= 1 && value <= 16);
  if (!affordable) return null;
  return { ...params, salt: fromBase64(salt ?? ""), key: fromBase64(key ?? "") };
}

/** Checks `password` against a stored PHC string in constant time; false for a malformed string. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed);
  return constantTimeEqual(key, parsed.key);
}

/** True when `stored` was hashed with other parameters than `params` (re-hash after a good login). */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.ln !== params.ln || parsed.r !== params.r || parsed.p !== params.p;
}

/**
 * Burns the same work as a real verification, for unknown users: neither the time nor the
 * answer of a login may tell whether an account exists. The stored key is random, so nothing
 * ever matches, and no extra hash is computed to build it.
 */
export async function verifyDummy(password: string, params: ScryptParams): Promise<false> {
  const dummy = `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${toBase64(randomBytes(SALT_BYTES))}$${toBase64(randomBytes(KEY_BYTES))}`;
  await verifyPassword(password, dummy);
  return false;
}
