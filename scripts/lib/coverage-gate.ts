/**
 * The coverage gate of `.ci/run`: the line coverage of `src/` must stay at or above the floor
 * (80 %) and must not drop below the committed baseline (`.ci/coverage-baseline.json`) by more
 * than a small tolerance, so a change that removes tests or adds untested code fails CI even
 * while the total is still far above the floor.
 */

export interface CoverageBaseline {
  /** Line coverage of `src/` in percent, as istanbul's json-summary reports it. */
  lines: number;
  /** Allowed drop in percentage points (rounding and the odd flaky branch). */
  tolerance: number;
  /** The floor no baseline may go under. */
  floor: number;
}

export interface CoverageVerdict {
  ok: boolean;
  message: string;
}

/**
 * Compares the measured line coverage with the baseline.
 *
 * @example
 * checkCoverage(96.9, { lines: 96.92, tolerance: 0.25, floor: 80 }); // { ok: true, ... }
 * checkCoverage(95.0, { lines: 96.92, tolerance: 0.25, floor: 80 }); // { ok: false, ... }
 */
export function checkCoverage(lines: number, baseline: CoverageBaseline): CoverageVerdict {
  if (!Number.isFinite(lines)) return { ok: false, message: "coverage: no line figure in the summary" };
  if (lines < baseline.floor) {
    return { ok: false, message: `coverage: ${lines} % of lines is under the floor of ${baseline.floor} %` };
  }
  const lowest = baseline.lines - baseline.tolerance;
  if (lines < lowest) {
    return {
      ok: false,
      message: `coverage: ${lines} % of lines dropped below the baseline ${baseline.lines} % (tolerance ${baseline.tolerance}); add tests or, if the drop is deliberate, lower .ci/coverage-baseline.json in the same commit`,
    };
  }
  const raise =
    lines > baseline.lines + baseline.tolerance
      ? ` (above the baseline: raise .ci/coverage-baseline.json to ${lines})`
      : "";
  return { ok: true, message: `coverage: ${lines} % of lines, baseline ${baseline.lines} %${raise}` };
}

/** Reads the `total.lines.pct` of an istanbul json-summary. */
export function linesPct(summary: unknown): number {
  const total = (summary as { total?: { lines?: { pct?: unknown } } } | null)?.total;
  const pct = total?.lines?.pct;
  return typeof pct === "number" ? pct : Number.NaN;
}
