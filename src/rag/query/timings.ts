/**
 * Phase timings of one query, reported in the `Server-Timing` header so an operator (or a
 * browser's network panel) sees where a slow query spent its time without a profiler.
 *
 * Inside workerd the clock only moves on I/O, so a phase of pure computation reads 0 there:
 * the figures attribute waiting (D1, Durable Objects, providers), which is what varies.
 */

/** One timed phase; phases that ran in parallel overlap. */
export interface Phase {
  name: string;
  ms: number;
}

export class PhaseTimer {
  private readonly phases: Phase[] = [];

  /**
   * Runs `work` and records how long it took under `name` (also when it throws).
   *
   * @example
   * const rows = await timer.time("chunks", () => deps.chunks.get(ws, ids));
   */
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phases.push({ name, ms: performance.now() - started });
    }
  }

  /**
   * Records a phase timed by the caller, for work whose name depends on how it ended.
   *
   * @example
   * timer.record(found ? "graph" : "graph_declined", performance.now() - started);
   */
  record(name: string, ms: number): void {
    this.phases.push({ name, ms });
  }

  /** Records an event without a duration (`name;dur=0.0`), e.g. which store answered. */
  mark(name: string): void {
    this.phases.push({ name, ms: 0 });
  }

  /** Phases in the order they ended. */
  list(): Phase[] {
    return [...this.phases];
  }

  /**
   * The `Server-Timing` value: `name;dur=ms` per phase, in the order they ended.
   *
   * @example
   * timer.header(); // "keywords;dur=0.4, embed;dur=0.1, local;dur=3.2"
   */
  header(): string {
    return this.phases.map((phase) => `${phase.name};dur=${phase.ms.toFixed(1)}`).join(", ");
  }
}

/** Runs `work` under `timer` when there is one, plainly otherwise. */
export function timed<T>(timer: PhaseTimer | undefined, name: string, work: () => Promise<T>): Promise<T> {
  return timer ? timer.time(name, work) : work();
}
