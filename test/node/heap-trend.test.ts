/**
 * The soak's memory verdict (bench/lib/heap-trend.ts): an oscillating but flat post-GC heap
 * passes, a leak hidden in the same oscillation fails on its floor and its slope.
 */
import { describe, expect, it } from "vitest";
import { floorSlope, type HeapSample, memoryVerdict } from "../../bench/lib/heap-trend";

/** Post-warm-up [minute, MiB] of the 30-minute soak of 2026-12-06 (no trend; 30 → 241 documents). */
const OBSERVED: [number, number][] = [
  [3.0, 39.8],
  [4.0, 40.4],
  [5.7, 47.3],
  [6.1, 43.6],
  [7.7, 71.0],
  [8.7, 46.8],
  [9.7, 51.3],
  [10.1, 46.0],
  [11.7, 59.5],
  [12.7, 64.3],
  [13.1, 47.4],
  [14.7, 52.7],
  [15.1, 46.1],
  [16.7, 71.1],
  [17.7, 57.6],
  [18.1, 45.1],
  [19.7, 61.3],
  [20.7, 49.0],
  [21.7, 50.0],
  [22.1, 43.8],
  [23.7, 63.9],
  [24.7, 54.3],
  [25.7, 51.9],
  [26.1, 47.6],
  [27.7, 55.4],
  [28.1, 40.2],
  [29.1, 48.4],
];
const series = (leakMiBPerHour: number): HeapSample[] =>
  OBSERVED.map(([minute, mib]) => ({ hours: minute / 60, mib: mib + (leakMiBPerHour * minute) / 60 }));

describe("soak memory verdict", () => {
  it("passes the observed oscillation that the old max-of-last-third check failed", () => {
    const verdict = memoryVerdict(series(0), 8, 16);
    expect(verdict.problem).toBeUndefined();
    expect(verdict.line).toContain("first third min 39.8");
    expect(verdict.line).toContain("last third min 40.2");
    expect(verdict.line).toMatch(/least squares 6\.6 ± 13\.2\)/);
  });

  it("fails a leak of 30 MiB/h hidden in the same oscillation, on the floor and the slope", () => {
    const verdict = memoryVerdict(series(30), 8, 16);
    expect(verdict.problem).toMatch(/floor rose/);
    expect(verdict.problem).toMatch(/slope \d+\.\d MiB\/h above 16/);
  });

  it("is not failed by a spike at the last sample, which moves a least-squares line past the bound", () => {
    const spiked = series(0).map((sample, i) => (i >= OBSERVED.length - 1 ? { ...sample, mib: 95 } : sample));
    const verdict = memoryVerdict(spiked, 8, 16);
    expect(verdict.line).toMatch(/least squares (\d+)/);
    const leastSquares = Number(/least squares (-?\d+\.\d)/.exec(verdict.line)?.[1]);
    expect(leastSquares).toBeGreaterThan(16);
    expect(verdict.problem).toBeUndefined();
  });

  it("fits the line through the minimum of each fifth", () => {
    const rising = [40, 90, 50, 95, 60, 99, 70, 80, 80, 140].map((mib, i) => ({ hours: i, mib }));
    expect(floorSlope(rising)).toBeCloseTo(5, 9); // minima 40, 50, …, 80 two hours apart
  });

  it("does not judge fewer than six samples", () => {
    expect(memoryVerdict(series(0).slice(0, 5), 8, 16)).toEqual({
      line: "memory: too few post-warm-up samples to judge (run longer)",
    });
  });
});
