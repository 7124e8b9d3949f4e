/**
 * o200k_base tokens (LightRAG's default `gpt-4o-mini` encoding), built on first use. Encoding is
 * gpt-tokenizer's: its rank table costs about 20 MiB of heap where js-tiktoken's costs 67.5 MiB,
 * which kept the Worker isolate above the 128 MB production limit during ingestion, and it
 * builds in a quarter of the time. Token ids equal js-tiktoken's (checked over the whole
 * docs-1mb corpus by `bench/tokenizer.ts` and on a sample in test/rag/chunking.test.ts).
 *
 * Decoding is our own: gpt-tokenizer's `decode` streams bytes of a split character through a
 * shared TextDecoder into the next call, while chunk contents must be exactly what js-tiktoken
 * (and tiktoken in LightRAG) give: the window's bytes decoded at once, a split character
 * becoming U+FFFD. Pieces are memoised on top of gpt-tokenizer's own merge cache: documents
 * repeat their words, and a hit skips the regex-piece's rank look-up and BPE merge.
 */
import { BoundedMemo } from "../bounded-memo";

export interface Tokenizer {
  encode(text: string): number[];
  decode(tokens: number[]): string;
  count(text: string): number;
}

/** Pieces kept before the memo starts over, bounding memory on odd inputs. */
const MAX_MEMO_PIECES = 50_000;
/** gpt-tokenizer's LRU of BPE merges (its default 100,000 would hold ~10 MiB more). */
const MERGE_CACHE_SIZE = 20_000;

let loading: Promise<Tokenizer> | null = null;

/** The shared tokenizer; the first call builds it. */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= build();
  return loading;
}

async function build(): Promise<Tokenizer> {
  const [encoding, ranks] = await Promise.all([
    import("gpt-tokenizer/encoding/o200k_base"),
    import("gpt-tokenizer/bpeRanks/o200k_base"),
  ]);
  encoding.setMergeCacheSize(MERGE_CACHE_SIZE);
  // Special-token checks off: user text is data, "<|endoftext|>" in it is just text.
  const plain = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
  const pattern = new RegExp(PIECE_PATTERN, "gu");
  const memo = new BoundedMemo<number[]>(MAX_MEMO_PIECES);
  const encode = (text: string): number[] => {
    const out: number[] = [];
    for (const match of text.matchAll(pattern)) {
      const piece = match[0];
      for (const token of memo.get(piece, () => encoding.encode(piece, plain))) out.push(token);
    }
    return out;
  };
  return { encode, decode: bytesDecoder(ranks.default), count: (text) => encode(text).length };
}

/**
 * tiktoken's o200k_base split pattern, as js-tiktoken ships it. gpt-tokenizer's own pattern is
 * the same language (its contraction group is written with character classes); splitting here
 * lets the memo key on pieces, and gpt-tokenizer then sees one piece at a time.
 */
const PIECE_PATTERN = String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/** o200k_base's special tokens (never produced by `encode`, decodable like tiktoken does). */
const SPECIAL_TOKENS = new Map<number, string>([
  [199999, "<|endoftext|>"],
  [200018, "<|endofprompt|>"],
]);

/**
 * A decoder equal to tiktoken's: the tokens' bytes concatenated, then decoded once with
 * replacement. A token is a string when its bytes are valid UTF-8 alone, else its bytes; when
 * every token of the window is a string, their concatenation is that decoding already.
 *
 * @example
 * const decode = bytesDecoder(ranks); decode([13225, 2375]); // "Hello world"
 */
export function bytesDecoder(ranks: readonly (string | number[])[]): (tokens: number[]) => string {
  const utf8 = new TextEncoder();
  const text = new TextDecoder();
  const entry = (token: number): string | number[] => {
    const value = ranks[token] ?? SPECIAL_TOKENS.get(token);
    if (value === undefined) throw new RangeError(`token ${token} is not in o200k_base`);
    return value;
  };
  return (tokens) => {
    let joined = "";
    let binary = false;
    for (const token of tokens) {
      const value = entry(token);
      if (typeof value !== "string") {
        binary = true;
        break;
      }
      joined += value;
    }
    if (!binary) return joined;
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const token of tokens) {
      const value = entry(token);
      const bytes = typeof value === "string" ? utf8.encode(value) : Uint8Array.from(value);
      parts.push(bytes);
      length += bytes.length;
    }
    const all = new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return text.decode(all);
  };
}
