/**
 * The soak's "memory flat after warm-up" verdict over post-GC heap samples (bench/soak.ts).
 * Locally one isolate hosts the Worker and every Durable Object, so a sample depends on which
 * copies are loaded at that moment and swings by tens of MiB; a leak shows as a rising floor
 * and a positive trend, which is what this judges, not the highest sample.
 */

export interface HeapSample {
  /** Time since the start, in hours. */
  hours: number;
  /** Retained heap after a full GC, in MiB. */
  mib: number;
}

/**
 * "Memory flat after warm-up", judged so that oscillation does not fool it: the local isolate
 * hosts the Worker and every Durable Object, and after a full GC it still holds whatever copies
 * (graph index, vector rows, caches) happen to be loaded at that moment, so single samples swing
 * by tens of MiB. A leak raises the floor and the trend, so two checks:
 *   - the minimum of the last third may exceed the minimum of the first post-warm-up third by
 *     at most `slackMiB`;
 *   - the slope of the floor (the least-squares line through the minimum of each fifth of the
 *     samples) may be at most `slopeMiBPerHour`. The floor rather than every sample because the
 *     oscillation only ever adds to it (a copy loaded at sampling time), so one late spike moves
 *     a line through all samples past the bound on a 30-minute run, while a leak lifts every
 *     fifth's minimum alike.
 *   The least-squares slope over all samples and its standard error are printed for comparison.
 * Samples are `{ hours, mib }`; fewer than 6 cannot be judged.
 *
 * @example
 * memoryVerdict([{ hours: 0.05, mib: 40 }, …], 8, 16); // { line: "…", problem?: "…" }
 */
export function memoryVerdict(
  samples: HeapSample[],
  slackMiB: number,
  slopeMiBPerHour: number,
): { line: string; problem?: string } {
  if (samples.length < 6) return { line: "memory: too few post-warm-up samples to judge (run longer)" };
  const third = Math.floor(samples.length / 3);
  const floor = (part: { mib: number }[]) => Math.min(...part.map((s) => s.mib));
  const median = (part: { mib: number }[]) => {
    const sorted = part.map((s) => s.mib).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };
  const head = samples.slice(0, third);
  const tail = samples.slice(samples.length - third);
  const n = samples.length;
  const meanT = samples.reduce((sum, s) => sum + s.hours, 0) / n;
  const meanM = samples.reduce((sum, s) => sum + s.mib, 0) / n;
  const sxx = samples.reduce((sum, s) => sum + (s.hours - meanT) ** 2, 0);
  const slope = samples.reduce((sum, s) => sum + (s.hours - meanT) * (s.mib - meanM), 0) / sxx;
  const residual = samples.reduce((sum, s) => sum + (s.mib - meanM - slope * (s.hours - meanT)) ** 2, 0);
  const standardError = Math.sqrt(residual / (n - 2) / sxx);
  const robust = floorSlope(samples);
  const line =
    `retained heap after warm-up (${n} samples): first third min ${floor(head).toFixed(1)} / median ${median(head).toFixed(1)} MiB, ` +
    `last third min ${floor(tail).toFixed(1)} / median ${median(tail).toFixed(1)} MiB (floor slack ${slackMiB} MiB); ` +
    `range ${Math.min(...samples.map((s) => s.mib)).toFixed(1)}–${Math.max(...samples.map((s) => s.mib)).toFixed(1)} MiB; ` +
    `floor slope ${robust.toFixed(1)} MiB/h (bound ${slopeMiBPerHour} MiB/h; least squares ${slope.toFixed(1)} ± ${standardError.toFixed(1)})`;
  const problems: string[] = [];
  if (floor(tail) > floor(head) + slackMiB)
    problems.push(`retained heap floor rose ${floor(head).toFixed(1)} -> ${floor(tail).toFixed(1)} MiB`);
  if (robust > slopeMiBPerHour)
    problems.push(`retained heap slope ${robust.toFixed(1)} MiB/h above ${slopeMiBPerHour} MiB/h`);
  return problems.length > 0 ? { line, problem: problems.join("; ") } : { line };
}

/**
 * The least-squares slope, in MiB per hour, through the minimum of each of `parts` consecutive
 * groups of samples (each minimum placed at its group's mean time).
 *
 * @example
 * floorSlope(samples); // ≈ the leak rate, whatever the samples' upward spikes
 */
export function floorSlope(samples: HeapSample[], parts = 5): number {
  const floors: HeapSample[] = [];
  for (let i = 0; i < parts; i++) {
    const group = samples.slice(
      Math.floor((i * samples.length) / parts),
      Math.floor(((i + 1) * samples.length) / parts),
    );
    if (group.length === 0) continue;
    const hours = group.reduce((sum, s) => sum + s.hours, 0) / group.length;
    floors.push({ hours, mib: Math.min(...group.map((s) => s.mib)) });
  }
  return leastSquaresSlope(floors);
}

function leastSquaresSlope(points: HeapSample[]): number {
  const meanT = points.reduce((sum, s) => sum + s.hours, 0) / points.length;
  const meanM = points.reduce((sum, s) => sum + s.mib, 0) / points.length;
  const sxx = points.reduce((sum, s) => sum + (s.hours - meanT) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((sum, s) => sum + (s.hours - meanT) * (s.mib - meanM), 0) / sxx;
}
