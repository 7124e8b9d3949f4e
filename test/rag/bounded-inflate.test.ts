/** The bounded inflater: exact output under the limits, an early stop past the total or the ratio. */
import { deflateSync, Unzip, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { boundedInflate, boundedUnzipInflate, InflateBudget } from "../../src/rag/parsers/inflate-budget";
import { extractionLimits } from "../../src/rag/parsers/limits";
import { RagError } from "../../src/rag/types";

const MiB = 1024 * 1024;

/** Bytes that barely compress (xorshift noise), so only the total can stop them. */
function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 2463534242;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Runs `run` and returns the RagError it threw (failing when it threw nothing or something else). */
function refusal(run: () => void): RagError {
  try {
    run();
  } catch (error) {
    if (error instanceof RagError) return error;
    throw error;
  }
  throw new Error("expected a RagError");
}

function inflateAll(compressed: Uint8Array, budget: InflateBudget): { bytes: number; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    boundedInflate(compressed, budget, (chunk) => {
      chunks.push(chunk);
      bytes += chunk.length;
    });
  } finally {
    seen.bytes = bytes;
  }
  return { bytes, chunks };
}
const seen = { bytes: 0 };

describe("bounded inflate", { timeout: 30_000 }, () => {
  it("inflates ordinary data exactly, in several chunks", () => {
    const data = noise(300 * 1024);
    const { chunks, bytes } = inflateAll(deflateSync(data), new InflateBudget(extractionLimits(MiB)));
    expect(bytes).toBe(data.length);
    expect(chunks.length).toBeGreaterThan(1);
    const joined = new Uint8Array(bytes);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    // Compared by hand: a deep equal over 300 K elements takes seconds.
    expect(joined.every((byte, i) => byte === data[i])).toBe(true);
  });

  it("stops a bomb at the compression ratio, a few megabytes in, before the total cap", () => {
    const bomb = deflateSync(new Uint8Array(24 * MiB), { level: 1 });
    expect(bomb.length).toBeLessThan(200 * 1024);
    const error = refusal(() => inflateAll(bomb, new InflateBudget(extractionLimits(100 * MiB))));
    expect(error.kind).toBe("too_large");
    expect(error.details).toEqual({ limit: "compression_ratio", max: 100 });
    // Past the 1 MiB grace, within one 4 KiB slice (at most ~4.2 MB at deflate's 1032:1).
    expect(seen.bytes).toBeLessThan(6 * MiB);
  });

  it("lets small, very repetitive data through (the ratio has a grace size)", () => {
    const { bytes } = inflateAll(
      deflateSync(new Uint8Array(512 * 1024)),
      new InflateBudget(extractionLimits(MiB)),
    );
    expect(bytes).toBe(512 * 1024);
  });

  it("stops at the total even when the ratio is harmless, having produced no more than the cap", () => {
    const limits = extractionLimits(MiB, { maxInflatedBytes: MiB });
    const error = refusal(() => inflateAll(deflateSync(noise(3 * MiB)), new InflateBudget(limits)));
    expect(error.details).toEqual({ limit: "inflated_bytes", max: MiB });
    expect(seen.bytes).toBeLessThanOrEqual(MiB);
  });

  it("bounds fflate's streaming Unzip as its deflate decoder", () => {
    const zip = zipSync({ "word/document.xml": new Uint8Array(24 * MiB) }, { level: 1 });
    const budget = new InflateBudget(extractionLimits(100 * MiB));
    let produced = 0;
    const unzip = new Unzip((file) => {
      file.ondata = (error, chunk) => {
        if (error) throw error;
        produced += chunk.length;
      };
      file.start();
    });
    unzip.register(boundedUnzipInflate(budget));
    const error = refusal(() => unzip.push(zip, true));
    expect(error.details).toEqual({ limit: "compression_ratio", max: 100 });
    expect(produced).toBeLessThan(6 * MiB);
    expect(budget.inflatedBytes).toBeLessThan(6 * MiB);
  });
});
