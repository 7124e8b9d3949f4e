/** Which 429s are stored in the audit table: the first per key and window. */
import { describe, expect, it } from "vitest";
import { storeRejection } from "../../src/ratelimit/rejection-sampler";

describe("storeRejection", () => {
  it("stores the first rejection of a key per window, and each key apart", () => {
    const t = 1_000_000;
    expect(storeRejection("ip:198.51.100.1", 60_000, t)).toBe(true);
    expect(storeRejection("ip:198.51.100.1", 60_000, t + 1)).toBe(false);
    expect(storeRejection("ip:198.51.100.1", 60_000, t + 59_999)).toBe(false);
    expect(storeRejection("ip:198.51.100.2", 60_000, t + 2)).toBe(true);
    expect(storeRejection("ip:198.51.100.1", 60_000, t + 60_000)).toBe(true);
    expect(storeRejection("ip:198.51.100.1", 60_000, t + 60_001)).toBe(false);
  });

  it("keeps its memory bounded under a flood of distinct keys", () => {
    const t = 2_000_000;
    for (let i = 0; i < 25_000; i++) expect(storeRejection(`flood:${i}`, 60_000, t)).toBe(true);
    // Memory started over at most a few times; a recent key may be stored again, never lost.
    expect(storeRejection("flood:24999", 60_000, t + 1)).toBe(false);
  });
});
