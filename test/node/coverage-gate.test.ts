/** The coverage gate of .ci/run: floor, baseline drop, unreadable summaries. */
import { describe, expect, it } from "vitest";
import { checkCoverage, linesPct } from "../../scripts/lib/coverage-gate";

const baseline = { lines: 96.5, tolerance: 0.25, floor: 80 };

describe("coverage gate", () => {
  it("passes at the baseline and within the tolerance", () => {
    expect(checkCoverage(96.5, baseline).ok).toBe(true);
    expect(checkCoverage(96.3, baseline).ok).toBe(true);
  });

  it("fails on a drop beyond the tolerance and names the baseline file", () => {
    const verdict = checkCoverage(96.2, baseline);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain(".ci/coverage-baseline.json");
  });

  it("fails under the floor whatever the baseline says", () => {
    expect(checkCoverage(79.9, { lines: 70, tolerance: 1, floor: 80 }).ok).toBe(false);
  });

  it("asks to raise the baseline when coverage grew", () => {
    expect(checkCoverage(98, baseline).message).toContain("raise");
  });

  it("fails when the summary has no line figure", () => {
    expect(linesPct({})).toBeNaN();
    expect(linesPct(null)).toBeNaN();
    expect(checkCoverage(linesPct({ total: { lines: { pct: "x" } } }), baseline).ok).toBe(false);
    expect(linesPct({ total: { lines: { pct: 91.2 } } })).toBe(91.2);
  });
});
