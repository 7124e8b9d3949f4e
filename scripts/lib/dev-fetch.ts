/**
 * `fetch` for benchmarks talking to `wrangler dev`, which can drop a request in local mode:
 * a request that reaches the local runtime on a kept-alive connection while a queue batch runs
 * waits until the batch ends and is then reset (ECONNRESET, workerd 1.x with wrangler 4.86).
 * wrangler's proxy answers such a POST with 503 "Your worker restarted mid-request" (no reload
 * happened: it reports every failed request to a path other than `/` that way) and parks such a
 * GET until the next request arrives. Neither reaches the Worker, so sending it again is safe
 * for the benchmarks' requests (inserts deduplicate identical content; queries only read).
 */

/** Start of wrangler's proxy answer for a request it lost on the way to the Worker. */
export const DEV_PROXY_DROP = "Your worker restarted mid-request";

export interface DevFetchOptions {
  /** Per attempt; a parked request never answers by itself. */
  timeoutMs?: number;
  attempts?: number;
  /** No stderr line per retry (polling loops that retry as a matter of course). */
  quiet?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_ATTEMPTS = 3;

let resends = 0;

/**
 * Requests `devFetch` has sent again in this process (dropped by wrangler's proxy or left
 * unanswered), so a bench can print them: a figure measured over re-sent requests hides errors.
 *
 * @example
 * const before = devFetchResends(); await ingest(); console.log(devFetchResends() - before);
 */
export function devFetchResends(): number {
  return resends;
}

/**
 * `fetch(url, init)` that sends a request wrangler's proxy dropped again (up to `attempts`
 * times, saying so on stderr) and gives up on one left unanswered for `timeoutMs`.
 *
 * @example
 * const res = await devFetch(`${base}/documents/texts`, { method: "POST", body }); // 200, or the last drop
 */
export async function devFetch(
  url: string,
  init: RequestInit,
  options: DevFetchOptions = {},
): Promise<Response> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const path = new URL(url).pathname;
  const say = (line: string) => {
    if (!options.quiet) console.error(line);
  };
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      if (!timedOut) throw error;
      if (attempt >= attempts)
        throw new Error(`${init.method ?? "GET"} ${path}: no answer in ${timeoutMs} ms`);
      say(`${init.method ?? "GET"} ${path}: no answer in ${timeoutMs} ms, sending it again`);
      resends++;
      continue;
    }
    if (res.status !== 503 || attempt >= attempts) return res;
    const text = await res.clone().text();
    if (!text.startsWith(DEV_PROXY_DROP)) return res;
    say(
      `${init.method ?? "GET"} ${path}: wrangler dev dropped the request (attempt ${attempt}), sending it again`,
    );
    resends++;
  }
}
