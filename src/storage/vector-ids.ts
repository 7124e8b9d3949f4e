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

/** Ids kept before the memo starts over, bounding its memory (about 100 bytes an entry). */
const MEMO_MAX_ENTRIES = 20_000;
let memo = new Map<string, string>();

/**
 * The id of `key`, hashed once per isolate: the same names come back query after query (the
 * graph index maps every BM25 hit to its vector id), and md5 in JavaScript costs microseconds.
 */
function memoized(key: string, hash: () => string): string {
  let id = memo.get(key);
  if (id === undefined) {
    id = hash();
    if (memo.size >= MEMO_MAX_ENTRIES) memo = new Map();
    memo.set(key, id);
  }
  return id;
}

/**
 * @example
 * entityVectorId("Alan Turing"); // "ent-" + md5("Alan Turing")
 */
export function entityVectorId(name: string): string {
  return memoized(`ent\u0000${name}`, () => `ent-${md5Hex(name)}`);
}

/** `src` and `tgt` in stored order (`src <= tgt`). */
export function relationVectorId(src: string, tgt: string): string {
  const [first, second] = src <= tgt ? [src, tgt] : [tgt, src];
  return memoized(`rel\u0000${first}\u0000${second}`, () => `rel-${md5Hex(first + second)}`);
}
