/**
 * Builds the /metrics document: the aggregated totals of every isolate, the active-requests
 * gauge, queue depth derived from queue message counters, each known workspace's pipeline
 * state read from its coordinator, and whether D1 and the aggregator answered.
 */
import type { Env } from "../env";
import { runChecks } from "./health";
import { ACTIVE_REQUESTS, DEPENDENCY_UP, PIPELINE_ACTIVE, PIPELINE_BUSY, QUEUE_DEPTH } from "./metric-names";
import { readAggregate } from "./metrics-client";
import { renderPrometheus, seriesKey } from "./prometheus";

/** Workspaces whose pipeline state a scrape reads at most; the rest are visible in /health. */
export const MAX_PIPELINE_WORKSPACES = 50;
const PIPELINE_TIMEOUT_MS = 1000;

/**
 * The exposition text for a scrape.
 *
 * @example
 * const text = await scrapeMetrics(env, ["default"]);
 */
export async function scrapeMetrics(env: Env, workspaces: string[]): Promise<string> {
  const [aggregate, pipelines, d1] = await Promise.all([
    readAggregate(env).catch(() => null),
    pipelineStates(env, workspaces.slice(0, MAX_PIPELINE_WORKSPACES)),
    runChecks(
      [{ name: "d1", critical: true, run: () => env.DB.prepare("SELECT 1").first() }],
      PIPELINE_TIMEOUT_MS,
    ),
  ]);
  // A scrape still answers when the aggregator is down, so the outage itself is visible.
  const samples = aggregate?.samples ?? new Map<string, number>();
  samples.set(ACTIVE_REQUESTS, aggregate?.active ?? 0);
  samples.set(seriesKey(DEPENDENCY_UP, { dependency: "d1" }), d1[0]?.status === "pass" ? 1 : 0);
  samples.set(seriesKey(DEPENDENCY_UP, { dependency: "metrics" }), aggregate ? 1 : 0);
  for (const [queue, depth] of queueDepths(samples)) samples.set(seriesKey(QUEUE_DEPTH, { queue }), depth);
  for (const { workspace, busy, active: running } of pipelines) {
    samples.set(seriesKey(PIPELINE_BUSY, { workspace }), busy ? 1 : 0);
    samples.set(seriesKey(PIPELINE_ACTIVE, { workspace }), running ? 1 : 0);
  }
  return renderPrometheus(samples);
}

const QUEUE_SAMPLE =
  /^lightrag_queue_messages_total\{event="(\w+)",queue="((?:[^"\\]|\\.)*)",type="((?:[^"\\]|\\.)*)"\}$/;
const DEPTH_SIGN: Record<string, number> = { sent: 1, acked: -1, dropped: -1, dead_lettered: -1 };

/** Sent minus settled, per queue: summed over message types, each never below zero. */
export function queueDepths(samples: Map<string, number>): Map<string, number> {
  const byType = new Map<string, { queue: string; depth: number }>();
  for (const [key, value] of samples) {
    const match = QUEUE_SAMPLE.exec(key);
    if (!match) continue;
    const [, event = "", queue = "", type = ""] = match;
    const entry = byType.get(`${queue}\u0000${type}`) ?? { queue, depth: 0 };
    entry.depth += (DEPTH_SIGN[event] ?? 0) * value;
    byType.set(`${queue}\u0000${type}`, entry);
  }
  const depths = new Map<string, number>();
  for (const { queue, depth } of byType.values())
    depths.set(queue, (depths.get(queue) ?? 0) + Math.max(0, depth));
  return depths;
}

async function pipelineStates(
  env: Env,
  workspaces: string[],
): Promise<Array<{ workspace: string; busy: boolean; active: boolean }>> {
  const results = await runChecks(
    workspaces.map((workspace) => ({
      name: workspace,
      critical: false,
      run: () => env.COORDINATOR.get(env.COORDINATOR.idFromName(workspace)).ping(),
    })),
    PIPELINE_TIMEOUT_MS,
  );
  return results.flatMap((result) => {
    if (result.status !== "pass" || typeof result.detail !== "object" || result.detail === null) return [];
    const state = result.detail as { busy?: unknown; active?: unknown };
    return [{ workspace: result.name, busy: state.busy === true, active: state.active === true }];
  });
}
