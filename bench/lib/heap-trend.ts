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
 *   - the least-squares slope over all post-warm-up samples may be at most `slopeMiBPerHour`.
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
  const line =
    `retained heap after warm-up (${n} samples): first third min ${floor(head).toFixed(1)} / median ${median(head).toFixed(1)} MiB, ` +
    `last third min ${floor(tail).toFixed(1)} / median ${median(tail).toFixed(1)} MiB (floor slack ${slackMiB} MiB); ` +
    `range ${Math.min(...samples.map((s) => s.mib)).toFixed(1)}–${Math.max(...samples.map((s) => s.mib)).toFixed(1)} MiB; ` +
    `least-squares slope ${slope.toFixed(1)} ± ${standardError.toFixed(1)} MiB/h (bound ${slopeMiBPerHour} MiB/h)`;
  const problems: string[] = [];
  if (floor(tail) > floor(head) + slackMiB)
    problems.push(`retained heap floor rose ${floor(head).toFixed(1)} -> ${floor(tail).toFixed(1)} MiB`);
  if (slope > slopeMiBPerHour)
    problems.push(`retained heap slope ${slope.toFixed(1)} MiB/h above ${slopeMiBPerHour} MiB/h`);
  return problems.length > 0 ? { line, problem: problems.join("; ") } : { line };
}
