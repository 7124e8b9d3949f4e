/**
 * Cooperative pacing for long chains of in-process storage calls (a queue batch's extraction and merges, a graph
 * index rebuild, a backup or restore loop): after `everyMs` of work the caller awaits a 1 ms
 * timer, so the runtime's event loop gets to read its sockets.
 *
 * Why: on the local runtime (`wrangler dev`) the Worker and every Durable Object share one
 * workerd thread, and a chain of Durable Object and D1 calls completes in-process: the event
 * queue never empties, workerd polls no socket for seconds and closes kept-alive connections
 * idle for 5 s, so wrangler's proxy answers `503 Your worker restarted mid-request`
 * (docs/operations.md, "Why wrangler dev answers 503"). A 1 ms timer let the loop poll in every
 * measurement (bench/dev-proxy-503.ts, test/pipeline/ingest-pipeline.test.ts); zero-delay
 * pauses (`setTimeout(0)`, `scheduler.wait(0)`, a resolved promise) did not in one run and did
 * in another, so the pause is a timer. It costs ≈ 1 ms per `everyMs` of wall time of a chain
 * that makes storage calls, in production too.
 */

/** Work between two pauses. */
export const PACE_EVERY_MS = 20;
/** The pause: the shortest timer that makes workerd poll its sockets. */
const PAUSE_MS = 1;

export type Pace = () => Promise<void>;

/**
 * A pacer for one piece of work, shared by its concurrent chains (the tasks of one limiter):
 * each call returns at once unless `everyMs` have passed since the last pause; then a pause of
 * `PAUSE_MS` begins and every chain that calls in before it ends waits for it too, so the
 * chains park together and the event queue empties. Create one per operation (never per
 * module): a pause belongs to the request that started it. `now` and `sleep` are injectable.
 *
 * @example
 * const pace = createPacer();
 * for (const page of pages) { await pace(); await copy(page); }
 */
export function createPacer(
  everyMs = PACE_EVERY_MS,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Pace {
  let last = now();
  let pause: Promise<void> | undefined;
  return async () => {
    if (!pause && now() - last >= everyMs) {
      pause = sleep(PAUSE_MS).then(() => {
        pause = undefined;
        last = now();
      });
    }
    if (pause) await pause;
  };
}
