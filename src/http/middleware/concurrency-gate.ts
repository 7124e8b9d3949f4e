/**
 * At most `MAX_CONCURRENT_REQUESTS` requests of this isolate past this point at once (0, the
 * default: no limit); the others wait their turn, oldest first.
 *
 * Why: on the local runtime (`npm start`) the Worker and every Durable Object share one workerd
 * thread, which reads its sockets only once every request in flight has parked on a timer
 * (src/storage/pace.ts). With 500 requests in flight, one such round is 500 stretches of work,
 * longer than the 5 s after which workerd closes an idle kept-alive connection, and wrangler's
 * proxy answers 503 for a request sent on it (docs/operations.md, "Why wrangler dev answers
 * 503"). A bounded number of requests in flight bounds the round. wrangler.toml's local vars set
 * it; production leaves it at 0, where each request waits on real I/O.
 *
 * A waiter polls with a timer instead of awaiting a promise another request resolves: workerd
 * cancels a request whose only pending work is such a promise ("your Worker's code had hung"),
 * and code resumed by another request would run in that request's context.
 */
import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../../config";
import type { AppEnv } from "../app-env";

/** The longest poll interval (far back in the line). */
const MAX_POLL_MS = 250;
/** A waiter not seen for this long (its request was cancelled) no longer holds the line. */
const STALE_MS = 2000;

export interface ConcurrencyGate {
  enter(): Promise<void>;
  leave(): void;
  /** Requests past the gate now. */
  readonly active: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A FIFO gate for `limit` holders: the first waiter polls every 2 ms, the n-th every
 * min(2 + 4n, 250) ms, so 500 waiters cost ≈ 2,500 timer wake-ups a second, not 250,000
 * (with every 2 ms they took most of the thread's CPU on a loaded machine).
 *
 * @example
 * const gate = createConcurrencyGate(8);
 * await gate.enter();
 * try { await work(); } finally { gate.leave(); }
 */
export function createConcurrencyGate(
  limit: number,
  now: () => number = Date.now,
  wait: (ms: number) => Promise<void> = sleep,
): ConcurrencyGate {
  let active = 0;
  let nextTicket = 0;
  // Ticket → last poll; a Map keeps insertion order, which is ticket order.
  const waiting = new Map<number, number>();
  const head = (at: number): number | undefined => {
    for (const [ticket, seen] of waiting) {
      if (at - seen <= STALE_MS) return ticket;
      waiting.delete(ticket);
    }
    return undefined;
  };
  return {
    get active() {
      return active;
    },
    async enter() {
      if (active < limit && waiting.size === 0) {
        active++;
        return;
      }
      const ticket = nextTicket++;
      try {
        for (;;) {
          const at = now();
          waiting.set(ticket, at);
          const first = head(at) ?? ticket;
          if (active < limit && first === ticket) {
            active++;
            return;
          }
          await wait(Math.min(MAX_POLL_MS, 2 + 4 * (ticket - first)));
        }
      } finally {
        waiting.delete(ticket);
      }
    },
    leave() {
      active--;
    },
  };
}

const gates = new Map<number, ConcurrencyGate>();

/** Holds a request at the gate of its isolate while `MAX_CONCURRENT_REQUESTS` others are past it. */
export const concurrencyGate: MiddlewareHandler<AppEnv> = async (c, next) => {
  // The first middleware: the config is read here (memoised per env), an invalid one means no gate.
  const limit = loadConfig(c.env).config?.MAX_CONCURRENT_REQUESTS ?? 0;
  if (limit <= 0) return next();
  let gate = gates.get(limit);
  if (!gate) {
    gate = createConcurrencyGate(limit);
    gates.set(limit, gate);
  }
  await gate.enter();
  try {
    await next();
  } finally {
    gate.leave();
  }
};
