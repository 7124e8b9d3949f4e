/** The per-isolate memo behind token counts and vector ids: computes once, and starts over when full. */
import { describe, expect, it } from "vitest";
import { BoundedMemo } from "../../src/bounded-memo";

describe("BoundedMemo", () => {
  it("computes a key once, keeps at most its bound, and computes again after starting over", () => {
    const memo = new BoundedMemo<number>(2);
    let calls = 0;
    const square = (n: number) => () => {
      calls++;
      return n * n;
    };
    expect(memo.get("3", square(3))).toBe(9);
    expect(memo.get("3", square(3))).toBe(9);
    expect(memo.get("4", square(4))).toBe(16);
    expect(calls).toBe(2);
    // Full at 2: the third key starts it over, so "3" is computed again.
    expect(memo.get("5", square(5))).toBe(25);
    expect(memo.get("5", square(5))).toBe(25);
    expect(memo.get("3", square(3))).toBe(9);
    expect(calls).toBe(4);
  });
});
