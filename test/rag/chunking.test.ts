import { describe, expect, it } from "vitest";
import { chunkByTokens } from "../../src/rag/chunking";
import { loadTokenizer } from "../../src/rag/tokenizer";

describe("token chunking", () => {
  it("uses o200k_base and matches js-tiktoken's own encoder", async () => {
    const tokenizer = await loadTokenizer();
    const { Tiktoken } = await import("js-tiktoken/lite");
    const ranks = (await import("js-tiktoken/ranks/o200k_base")).default;
    const reference = new Tiktoken(ranks);
    const text = "Hello world! Ünïcödé text, numbers 12345 and <|endoftext|> stay plain.\n\n  Spaces   too.";
    expect(tokenizer.encode(text)).toEqual(reference.encode(text, [], []));
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  }, 60_000);

  it("makes LightRAG's windows: stride size - overlap, short last window, stripped content", async () => {
    const tokenizer = await loadTokenizer();
    const text = Array.from({ length: 500 }, (_, i) => `word${i}`).join(" ");
    const total = tokenizer.encode(text).length;
    const chunks = chunkByTokens(tokenizer, text, 100, 20);
    expect(chunks.length).toBe(Math.ceil(total / 80));
    expect(chunks.every((chunk, i) => chunk.order === i)).toBe(true);
    expect(chunks[0]?.tokens).toBe(100);
    expect(chunks.at(-1)?.tokens).toBe(total - 80 * (chunks.length - 1));
    const overlap = tokenizer.encode(text).slice(80, 100);
    expect(chunks[1]?.content.startsWith(tokenizer.decode(overlap).trim())).toBe(true);
    expect(chunkByTokens(tokenizer, "   ", 100, 20)).toEqual([]);
    expect(() => chunkByTokens(tokenizer, text, 10, 10)).toThrow(/overlap/);
  }, 60_000);
});
