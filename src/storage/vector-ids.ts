/**
 * LightRAG's id scheme for vectors (`compute_mdhash_id`): `ent-` + md5(name) for entities,
 * `rel-` + md5(src + tgt) with sorted endpoints for relations. Kept beside the ports so every
 * adapter and the engine derive the same ids.
 */
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/** Hex md5 of a UTF-8 string. */
export function md5Hex(text: string): string {
  return bytesToHex(md5(utf8ToBytes(text)));
}

/**
 * @example
 * entityVectorId("Alan Turing"); // "ent-" + md5("Alan Turing")
 */
export function entityVectorId(name: string): string {
  return `ent-${md5Hex(name)}`;
}

/** `src` and `tgt` in stored order (`src <= tgt`). */
export function relationVectorId(src: string, tgt: string): string {
  return src <= tgt ? `rel-${md5Hex(src + tgt)}` : `rel-${md5Hex(tgt + src)}`;
}
