/**
 * Bounded DEFLATE decompression: input is fed to fflate's streaming `Inflate` in small slices,
 * and every slice's output is counted against a total and a ratio before anyone sees it, so a
 * decompression bomb is stopped after a few megabytes instead of filling memory.
 * Declared sizes in archive headers are never trusted: only bytes actually produced count.
 */
import { Inflate, type UnzipDecoder, type UnzipDecoderConstructor } from "fflate";
import { type ExtractionLimits, overLimit } from "./limits";

/**
 * Compressed bytes inflated per step. Deflate expands at most about 1032:1, so one step
 * produces at most about 4 MB before the budget is checked.
 */
export const INFLATE_SLICE_BYTES = 4 * 1024;

type BudgetLimits = Pick<ExtractionLimits, "maxInflatedBytes" | "maxCompressionRatio" | "ratioGraceBytes">;

/**
 * Counts compressed input and decompressed output of one file (all its compressed parts
 * together) and throws the `too_large` RagError as soon as either bound is crossed.
 *
 * @example
 * const budget = new InflateBudget(extractionLimits(1024 * 1024));
 * budget.consumed(4096);
 * budget.produced(chunk.length); // throws past 8 MiB in total or 100:1
 */
export class InflateBudget {
  private input = 0;
  private output = 0;

  constructor(private readonly limits: BudgetLimits) {}

  /** Compressed bytes handed to a decompressor. */
  consumed(bytes: number): void {
    this.input += bytes;
  }

  /** Bytes a decompressor (or a stored entry) produced; throws when a bound is crossed. */
  produced(bytes: number): void {
    this.output += bytes;
    const { maxInflatedBytes, maxCompressionRatio, ratioGraceBytes } = this.limits;
    if (this.output > maxInflatedBytes) {
      throw overLimit(
        "inflated_bytes",
        maxInflatedBytes,
        `The file expands to more than ${maxInflatedBytes} bytes; it is refused`,
      );
    }
    if (this.input > 0 && this.output > ratioGraceBytes && this.output / this.input > maxCompressionRatio) {
      throw overLimit(
        "compression_ratio",
        maxCompressionRatio,
        `The file expands more than ${maxCompressionRatio}:1 (a decompression bomb?); it is refused`,
      );
    }
  }

  /** Bytes produced so far. */
  get inflatedBytes(): number {
    return this.output;
  }
}

/**
 * Inflates raw DEFLATE `compressed` slice by slice, handing each output chunk to `onData`
 * after the budget accepted it.
 *
 * @example
 * const parts: Uint8Array[] = [];
 * boundedInflate(deflateSync(data), new InflateBudget(limits), (chunk) => parts.push(chunk));
 */
export function boundedInflate(
  compressed: Uint8Array,
  budget: InflateBudget,
  onData: (chunk: Uint8Array) => void,
): void {
  const inflate = new Inflate((chunk) => {
    budget.produced(chunk.length);
    if (chunk.length > 0) onData(chunk);
  });
  pushSliced(inflate, budget, compressed, true);
}

/**
 * A decoder for fflate's streaming `Unzip` that inflates under `budget` (register it to replace
 * the default `UnzipInflate` for method 8, deflate).
 *
 * @example
 * const unzip = new Unzip(onFile);
 * unzip.register(boundedUnzipInflate(budget));
 */
export function boundedUnzipInflate(budget: InflateBudget): UnzipDecoderConstructor {
  return class BoundedUnzipInflate implements UnzipDecoder {
    static readonly compression = 8;
    ondata: UnzipDecoder["ondata"] = () => undefined;
    private readonly inflate = new Inflate((chunk, final) => {
      budget.produced(chunk.length);
      this.ondata(null, chunk, final);
    });

    push(chunk: Uint8Array, final: boolean): void {
      pushSliced(this.inflate, budget, chunk, final);
    }
  };
}

function pushSliced(inflate: Inflate, budget: InflateBudget, data: Uint8Array, final: boolean): void {
  if (data.length === 0) {
    inflate.push(data, final);
    return;
  }
  for (let offset = 0; offset < data.length; offset += INFLATE_SLICE_BYTES) {
    const slice = data.subarray(offset, offset + INFLATE_SLICE_BYTES);
    budget.consumed(slice.length);
    inflate.push(slice, final && offset + INFLATE_SLICE_BYTES >= data.length);
  }
}
