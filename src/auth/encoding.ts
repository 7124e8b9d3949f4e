/** Byte helpers for secrets: base64 (PHC strings), base64url tokens, SHA-256, constant-time equality. */

const encoder = new TextEncoder();

/** Standard base64 without padding, as PHC strings write salts and hashes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, "");
}

/** Decodes base64 with or without padding; throws on anything else. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** `count` random bytes from the platform CSPRNG. */
export function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

/**
 * A URL-safe random secret with a readable prefix, e.g. `lrk_4fA…` (32 random bytes).
 *
 * @example
 * randomToken("rt_") // "rt_kq3v…" (46 characters)
 */
export function randomToken(prefix: string, byteCount = 32): string {
  return prefix + toBase64(randomBytes(byteCount)).replaceAll("+", "-").replaceAll("/", "_");
}

/** Hex SHA-256 of a UTF-8 string: how bearer secrets (refresh tokens, API keys) are stored. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Compares two byte strings in time that depends only on their length. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
