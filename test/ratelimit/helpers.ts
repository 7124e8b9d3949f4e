/** Shared helpers of the rate-limit tests: the real app with rate limits switched on by env overrides. */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";

const app = createApp();

/** A fresh env object (so a fresh validated config) with rate limits on and `vars` applied. */
export function limitedEnv(vars: Record<string, unknown> = {}): Env {
  return { ...env, RATE_LIMIT_ENABLED: "true", ...vars } as Env;
}

/** One request through the whole middleware chain, waiting for its background work (metrics, audit). */
export async function send(testEnv: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://x${path}`, init), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A client address no other test uses, so limiter keys never collide across tests. */
export function uniqueIp(): string {
  const n = crypto.getRandomValues(new Uint8Array(3));
  return `198.${n[0]}.${n[1]}.${n[2]}`;
}

/** `n` copies of the same request, all in flight at once. */
export function burst(n: number, request: () => Promise<Response>): Promise<Response[]> {
  return Promise.all(Array.from({ length: n }, request));
}
