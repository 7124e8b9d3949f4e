/**
 * Vector ids as Vectorize stores them. Vectorize ids are unique per index, not per namespace,
 * so two workspaces with the same entity must not share an id: each stored id starts with a
 * short hash of the workspace. Ids are at most 64 bytes (VECTORIZE_LIMITS.idBytes), so a long
 * local id is replaced by its SHA-256; the original is kept in the vector's metadata (`i`).
 */
import { VECTORIZE_LIMITS } from "./limits";

const encoder = new TextEncoder();
/** 8 bytes of SHA-256 in base64url. */
const WORKSPACE_KEY_CHARS = 11;
const HASHED = "#";
/** Room left for the local id: 64 − 11 (workspace key) − 1 (separator). */
export const LOCAL_ID_BYTES = VECTORIZE_LIMITS.idBytes - WORKSPACE_KEY_CHARS - 1;

export const byteLength = (text: string): number => encoder.encode(text).byteLength;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * The prefix every stored id of `workspace` starts with.
 *
 * @example
 * await workspacePrefix("default"); // "Xq3…Ab." (12 characters)
 */
export async function workspacePrefix(workspace: string): Promise<string> {
  return `${base64url((await sha256(workspace)).slice(0, 8))}.`;
}

/**
 * The stored id of `id` in `workspace`: deterministic, at most 64 bytes.
 *
 * @example
 * await storedId("default", "ent-0123"); // "<prefix>ent-0123"
 */
export async function storedId(workspace: string, id: string, prefix?: string): Promise<string> {
  const head = prefix ?? (await workspacePrefix(workspace));
  if (byteLength(id) <= LOCAL_ID_BYTES && !id.startsWith(HASHED)) return `${head}${id}`;
  return `${head}${HASHED}${base64url(await sha256(id))}`;
}

/** The local id of a stored one, or null when it is hashed (read `i` from its metadata). */
export function localIdOf(stored: string, prefix: string): string | null {
  const local = stored.slice(prefix.length);
  return local.startsWith(HASHED) ? null : local;
}
