/**
 * What every query route shares: the engine's dependencies for the request's workspace and the
 * accounting (query counter, cache hits, audit event). ENABLE_QUERIES is enforced by `flagGuard`.
 */
import type { Context } from "hono";
import { audit } from "../../audit";
import { countMetric, writeRequestQueryPoint } from "../../observability/metrics";
import type { QueryMode } from "../../rag/query/params";
import type { PhaseTimer } from "../../rag/query/timings";
import type { QueryDeps } from "../../rag/query/types";
import type { AppEnv } from "../app-env";

/** The query engine's dependencies, from the request's services (the composition root). */
export function queryDeps(c: Context<AppEnv>): QueryDeps {
  return c.get("services").query;
}

/** Counts an answered query, writes its Analytics Engine point and records the data access. */
export function recordQuery(c: Context<AppEnv>, workspace: string, mode: QueryMode, cacheHit: boolean): void {
  countMetric(c, "lightrag_queries_executed_total", { mode, workspace });
  writeRequestQueryPoint(c, { workspace, mode, ok: true, cached: cacheHit });
  if (cacheHit) countMetric(c, "lightrag_cache_hits_total", { cache: "query" });
  audit(c, {
    event_type: "data_access",
    event_action: "query",
    outcome: "success",
    additional_data: { mode },
  });
}

/** Sets `Server-Timing`: the engine's phases, then `total` since `started` (a `performance.now()`). */
export function setServerTiming(c: Context<AppEnv>, timer: PhaseTimer, started: number): void {
  const total = `total;dur=${(performance.now() - started).toFixed(1)}`;
  const phases = timer.header();
  c.header("Server-Timing", phases ? `${phases}, ${total}` : total);
}
