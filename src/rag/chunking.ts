/** Fixed token windows, LightRAG's default chunker: size 1200, overlap 100, stride = size - overlap. */
import type { Tokenizer } from "./tokenizer";

export interface TextChunk {
  order: number;
  tokens: number;
  content: string;
}

/**
 * Splits `text` into windows of `size` tokens starting every `size - overlap` tokens, exactly
 * as LightRAG's `chunking_by_token_size` does (including a short last window). Blank windows
 * are skipped; contents are stripped.
 *
 * @example
 * chunkByTokens(tokenizer, text, 1200, 100); // [{ order: 0, tokens: 1200, content: "…" }, …]
 */
export function chunkByTokens(
  tokenizer: Tokenizer,
  text: string,
  size: number,
  overlap: number,
): TextChunk[] {
  if (overlap >= size) throw new Error("chunk overlap must be smaller than the chunk size");
  const tokens = tokenizer.encode(text);
  const chunks: TextChunk[] = [];
  for (let start = 0; start < tokens.length; start += size - overlap) {
    const window = tokens.slice(start, start + size);
    const content = tokenizer.decode(window).trim();
    if (content.length > 0) chunks.push({ order: chunks.length, tokens: window.length, content });
  }
  return chunks;
}
