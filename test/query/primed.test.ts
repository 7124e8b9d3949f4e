/** A primed stream: first piece awaited up front, the rest in order, early stops close the source. */
import { describe, expect, it } from "vitest";
import { primed } from "../../src/rag/query/primed";

function source(pieces: string[], log: string[]): AsyncIterable<string> {
  return {
    async *[Symbol.asyncIterator]() {
      log.push("started");
      try {
        for (const piece of pieces) yield piece;
      } finally {
        log.push("closed");
      }
    },
  };
}

describe("primed", () => {
  it("starts the source before returning and yields every piece in order", async () => {
    const log: string[] = [];
    const stream = await primed(source(["a", "b", "c"], log));
    expect(log).toEqual(["started"]);
    const seen: string[] = [];
    for await (const piece of stream) seen.push(piece);
    expect(seen).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["started", "closed"]);
  });

  it("closes the source when the reader stops early", async () => {
    const log: string[] = [];
    for await (const piece of await primed(source(["a", "b", "c"], log))) {
      expect(piece).toBe("a");
      break;
    }
    expect(log).toEqual(["started", "closed"]);
  });

  it("throws up front when the source fails before its first piece, and handles empty sources", async () => {
    const failing: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("refused")) }),
    };
    await expect(primed(failing)).rejects.toThrow("refused");
    const seen: string[] = [];
    for await (const piece of await primed(source([], []))) seen.push(piece);
    expect(seen).toEqual([]);
  });
});
