/**
 * The three windows of the dashboard and their bucket grid. Buckets are aligned to multiples of
 * the step since the epoch (UTC), so the local history and Analytics Engine's
 * `toStartOfInterval` put a sample in the same bucket.
 */

export const RANGES = ["hour", "day", "week"] as const;
export type AnalyticsRange = (typeof RANGES)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface RangeSpec {
  /** Bucket width. */
  stepMs: number;
  /** Buckets in the window, the current (partial) one included. */
  points: number;
  /** Analytics Engine interval literals of the step and of the whole window. */
  sqlStep: string;
  sqlWindow: string;
  /** The local history ring the window is read from. */
  resolution: "minute" | "hour";
}

export const RANGE_SPECS: Record<AnalyticsRange, RangeSpec> = {
  hour: { stepMs: MINUTE_MS, points: 60, sqlStep: "'1' MINUTE", sqlWindow: "'1' HOUR", resolution: "minute" },
  day: { stepMs: HOUR_MS, points: 24, sqlStep: "'1' HOUR", sqlWindow: "'1' DAY", resolution: "hour" },
  week: { stepMs: 6 * HOUR_MS, points: 28, sqlStep: "'6' HOUR", sqlWindow: "'7' DAY", resolution: "hour" },
};

/** The bucket grid of `range` ending with the bucket that holds `now`. */
export interface Grid {
  stepMs: number;
  /** Start of each bucket, epoch ms, oldest first. */
  starts: number[];
}

/**
 * The grid of `range` at `now`.
 *
 * @example
 * gridOf("hour", Date.now()).starts.length; // 60
 */
export function gridOf(range: AnalyticsRange, now: number): Grid {
  const { stepMs, points } = RANGE_SPECS[range];
  const last = Math.floor(now / stepMs) * stepMs;
  return { stepMs, starts: Array.from({ length: points }, (_, i) => last - (points - 1 - i) * stepMs) };
}

/** Index of the bucket holding time `t` (epoch ms) in `grid`, or -1 outside it. */
export function bucketIndex(grid: Grid, t: number): number {
  const first = grid.starts[0] ?? 0;
  const index = Math.floor((t - first) / grid.stepMs);
  return index >= 0 && index < grid.starts.length ? index : -1;
}
