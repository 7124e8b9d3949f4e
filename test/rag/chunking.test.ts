import { describe, expect, it } from "vitest";
import { chunkByTokens } from "../../src/rag/chunking";
import { loadTokenizer } from "../../src/rag/tokenizer";

describe("token chunking", () => {
  it("uses o200k_base: token ids, counts and chunk windows identical to js-tiktoken's", async () => {
    const tokenizer = await loadTokenizer();
    const { Tiktoken } = await import("js-tiktoken/lite");
    const ranks = (await import("js-tiktoken/ranks/o200k_base")).default;
    const reference = new Tiktoken(ranks);
    const text = "Hello world! Ünïcödé text, numbers 12345 and <|endoftext|> stay plain.\n\n  Spaces   too.";
    expect(tokenizer.encode(text)).toEqual(reference.encode(text, [], []));
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    // Scripts, emoji, contractions, CRLF, tabs and long numbers; windows of 3–11 tokens cut
    // multi-byte characters apart, where a split character must become U+FFFD exactly as in
    // js-tiktoken (LightRAG's chunk contents, and so its chunk ids, depend on it).
    const sample = [
      "LightRAG's graph: entities & relations — they're merged; we'll see, I'd say.\r\nTabs\there.",
      "中文文本的分块测试，包括标点。日本語のテキスト、カタカナとひらがな。한국어 문장도 있습니다.",
      "Emoji 👩‍💻🚀🇫🇷 and math ∑∫√ ≤ ≥, accents ÀÉÎÕÜ àéîõü, Ελληνικά, русский, العربية, हिन्दी.",
      "Numbers 3.14159265358979 1,000,000 2026-12-06T01:19:29Z; code `fn main() { x += 1; }`   \n\n\n",
    ].join("\n");
    expect(tokenizer.encode(sample)).toEqual(reference.encode(sample, [], []));
    expect(tokenizer.count(sample)).toBe(reference.encode(sample, [], []).length);
    const legacy = { ...tokenizer, decode: (tokens: number[]) => reference.decode(tokens) };
    let replaced = 0;
    for (let size = 3; size <= 11; size++) {
      const chunks = chunkByTokens(tokenizer, sample, size, 2);
      expect(chunks).toEqual(chunkByTokens(legacy, sample, size, 2));
      replaced += chunks.filter((chunk) => chunk.content.includes("\uFFFD")).length;
    }
    expect(replaced).toBeGreaterThan(0);
    expect(() => tokenizer.decode([199_998])).toThrow(RangeError);
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
