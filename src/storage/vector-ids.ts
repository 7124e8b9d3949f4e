/**
 * LightRAG's id scheme for vectors (`compute_mdhash_id`): `ent-` + md5(name) for entities,
 * `rel-` + md5(src + tgt) with sorted endpoints for relations. Kept beside the ports so every
 * adapter and the engine derive the same ids.
 */
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { BoundedMemo } from "../bounded-memo";

/** Hex md5 of a UTF-8 string. */
export function md5Hex(text: string): string {
  return bytesToHex(md5(utf8ToBytes(text)));
}

/**
 * Ids hashed once per isolate (at most 20,000 kept, about 100 bytes each): the same names come
 * back query after query (the graph index maps every BM25 hit to its vector id), and md5 in
 * JavaScript costs microseconds.
 */
const ids = new BoundedMemo<string>(20_000);

/**
 * @example
 * entityVectorId("Alan Turing"); // "ent-" + md5("Alan Turing")
 */
export function entityVectorId(name: string): string {
  return ids.get(`ent\u0000${name}`, () => `ent-${md5Hex(name)}`);
}

/** `src` and `tgt` in stored order (`src <= tgt`). */
export function relationVectorId(src: string, tgt: string): string {
  const [first, second] = src <= tgt ? [src, tgt] : [tgt, src];
  return ids.get(`rel\u0000${first}\u0000${second}`, () => `rel-${md5Hex(first + second)}`);
}
