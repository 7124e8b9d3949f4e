/**
 * The request's invocation (src/runtime/invocation.ts): binds its tracked `waitUntil` as the
 * background runner of isolate-wide clients (src/runtime/background.ts), and, when the request
 * opened something to close (the Postgres pool of STORAGE_BACKEND=neon), closes it only after
 * the response body has been produced to its end (or the client went away) and every task the
 * request handed to `waitUntil` has settled. With nothing to close (D1) the response is untouched.
 */
import type { Context, MiddlewareHandler } from "hono";
import { executionWaitUntil } from "../../observability/request-context";
import { runInInvocation } from "../../runtime/background";
import { Invocation } from "../../runtime/invocation";
import type { AppEnv } from "../app-env";

/**
 * Bytes our stream holds ahead of the client: a JSON answer passes whole, so its pool can end
 * while a slow client still reads; a large body (a backup download) stays back-pressured.
 */
const BODY_BUFFER_BYTES = 64 * 1024;

/**
 * Pipes the response body through a stream of ours; the promise settles when the body's source
 * has ended (a streamed answer wrote its last line) or the pipe broke (the client cancelled):
 * whatever produces the body (and may query the pool) is then done.
 */
function trackBody(c: Context<AppEnv>): Promise<void> | undefined {
  const body = c.res.body;
  if (!body) return undefined;
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
    undefined,
    undefined,
    new ByteLengthQueuingStrategy({ highWaterMark: BODY_BUFFER_BYTES }),
  );
  const done = body.pipeTo(writable).catch(() => undefined);
  c.res = new Response(readable, c.res);
  return done;
}

export const invocationScope: MiddlewareHandler<AppEnv> = async (c, next) => {
  const detached = executionWaitUntil(c);
  const invocation = new Invocation(detached);
  c.set("invocation", invocation);
  let body: Promise<void> | undefined;
  try {
    const background = { waitUntil: invocation.waitUntil, later: invocation.later, detached };
    await runInInvocation(background, async () => {
      await next();
      // The response is ready: bookkeeping kept for it starts now, inside this invocation.
      invocation.release();
    });
    if (invocation.closes) body = trackBody(c);
  } finally {
    invocation.finish(body);
  }
};
