/**
 * Quantiles from cumulative histogram buckets, the way Prometheus' `histogram_quantile` does
 * it: find the bucket holding the rank and interpolate linearly inside it. The answer is an
 * estimate bounded by the bucket edges (5 ms … 10 s, `DURATION_BUCKETS`).
 */

/** One cumulative bucket: observations at most `le` seconds (`Infinity` for `+Inf`). */
export interface HistogramBucket {
  le: number;
  count: number;
}

/**
 * The `q` quantile (0…1) of the observations in `buckets`, or null when there are none.
 * A rank in the `+Inf` bucket answers the largest finite bound (nothing better is known).
 *
 * @example
 * histogramQuantile(0.5, [{ le: 0.1, count: 1 }, { le: 0.2, count: 3 }, { le: Infinity, count: 3 }]); // 0.125
 */
export function histogramQuantile(q: number, buckets: readonly HistogramBucket[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0 || !Number.isFinite(q)) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let lower = 0;
  let below = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank && bucket.count > below) {
      if (!Number.isFinite(bucket.le)) return lower;
      return lower + ((bucket.le - lower) * (rank - below)) / (bucket.count - below);
    }
    if (Number.isFinite(bucket.le)) lower = bucket.le;
    below = bucket.count;
  }
  return lower;
}
