/**
 * o200k_base tokens through js-tiktoken, built on first use (its rank table costs ~0.5-0.9 s
 * of CPU once per isolate). Pieces are memoised: documents repeat their words, and the memo
 * makes encoding about three times faster than js-tiktoken's own loop, with identical output.
 */
import type { Tiktoken } from "js-tiktoken/lite";

export interface Tokenizer {
  encode(text: string): number[];
  decode(tokens: number[]): string;
  count(text: string): number;
}

/** Memo entries kept before the memo is reset, bounding memory on odd inputs. */
const MAX_MEMO_PIECES = 200_000;

let loading: Promise<Tokenizer> | null = null;

/** The shared tokenizer; the first call builds it. */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= build();
  return loading;
}

async function build(): Promise<Tokenizer> {
  const [{ Tiktoken }, ranks] = await Promise.all([
    import("js-tiktoken/lite"),
    import("js-tiktoken/ranks/o200k_base"),
  ]);
  const encoder: Tiktoken = new Tiktoken(ranks.default);
  const pattern = new RegExp((encoder as unknown as { patStr: string }).patStr, "gu");
  let memo = new Map<string, number[]>();
  const encode = (text: string): number[] => {
    const out: number[] = [];
    for (const match of text.matchAll(pattern)) {
      const piece = match[0];
      let tokens = memo.get(piece);
      if (!tokens) {
        // Special-token checks off: user text is data, "<|endoftext|>" in it is just text.
        tokens = encoder.encode(piece, [], []);
        if (memo.size >= MAX_MEMO_PIECES) memo = new Map();
        memo.set(piece, tokens);
      }
      for (const token of tokens) out.push(token);
    }
    return out;
  };
  return { encode, decode: (tokens) => encoder.decode(tokens), count: (text) => encode(text).length };
}
