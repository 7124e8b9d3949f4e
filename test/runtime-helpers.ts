/** The runtime an entry point would resolve (config, effective flags, services), for tests that call handlers directly. */
import { createExecutionContext, env } from "cloudflare:test";
import type { Env } from "../src/env";
import { type Runtime, resolveRuntime } from "../src/runtime";

/**
 * Resolves config and the current runtime flags for `testEnv`, as a queue batch or cron run does.
 *
 * @example
 * const ctx = createExecutionContext();
 * await ingestBatch(body, await testRuntime(ctx));
 */
export async function testRuntime(
  ctx: ExecutionContext = createExecutionContext(),
  testEnv: Env = env as unknown as Env,
): Promise<Runtime> {
  const rt = await resolveRuntime(testEnv, (p) => ctx.waitUntil(p), { test: true });
  if (!rt) throw new Error("test config invalid");
  return rt;
}
