/**
 * Token accounting beyond the `llm_usage` table: every recorded provider call also counts its
 * tokens in `lightrag_llm_tokens_total` (which feeds the dashboard's local history) and writes an
 * `llm` Analytics Engine point (the production dashboard). Wraps the table's store, so providers
 * keep one usage port. Inside a request the row and the counter are written once the response
 * is ready (`afterResponse`): a query's answer never waits for, nor competes with, its own
 * accounting; in a queue batch or cron run they go to `waitUntil` at once.
 */
import type { Bindings, Env } from "../env";
import type { UsageEvent, UsagePort } from "../providers/ports";
import { afterResponse, currentWaitUntil } from "../runtime/background";
import { writeLlmPoint } from "./analytics";
import { countMetricWithEnv } from "./metrics";

/**
 * `inner`, plus the token counter and the Analytics Engine point of each event. Cached calls
 * spent no tokens and failed calls are only in the table.
 *
 * @example
 * const usage = meteredUsage(new D1UsageStore(env.DB), env);
 */
export function meteredUsage(inner: UsagePort, env: Bindings): UsagePort {
  return {
    async record(event: UsageEvent): Promise<void> {
      await afterResponse(() =>
        Promise.all([inner.record(event), event.outcome === "error" ? undefined : meter(env, event)]),
      );
    },
  };
}

async function meter(env: Bindings, event: UsageEvent): Promise<void> {
  writeLlmPoint(env as Env, {
    workspace: event.workspace,
    model: event.model,
    provider: event.provider,
    role: event.role,
    prompt_tokens: event.promptTokens,
    completion_tokens: event.completionTokens,
    cached: event.outcome === "cached",
  });
  if (event.outcome !== "call") return;
  const labels = { workspace: event.workspace.slice(0, 64), model: event.model.slice(0, 128) };
  // The invocation's waitUntil batches these with its other counters (one aggregator call per
  // tick); outside an entry point the batch is collected here and awaited.
  const pending: Promise<unknown>[] = [];
  const waitUntil = currentWaitUntil() ?? ((p: Promise<unknown>) => void pending.push(p));
  for (const [kind, tokens] of [
    ["prompt", event.promptTokens],
    ["completion", event.completionTokens],
  ] as const) {
    if (tokens > 0)
      countMetricWithEnv(env as Env, waitUntil, "lightrag_llm_tokens_total", { ...labels, kind }, tokens);
  }
  await Promise.all(pending);
}
