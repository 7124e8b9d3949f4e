/**
 * What every query route shares: the engine's dependencies for the request's workspace and the
 * accounting (query counter, cache hits, audit event). ENABLE_QUERIES is enforced by `flagGuard`.
 */
import type { Context } from "hono";
import { audit } from "../../audit";
import { countMetric, writeRequestQueryPoint } from "../../observability/metrics";
import { createProviders } from "../../providers";
import type { QueryMode } from "../../rag/query/params";
import type { PhaseTimer } from "../../rag/query/timings";
import type { QueryDeps } from "../../rag/query/types";
import { D1GraphSearchStore } from "../../storage/d1/graph-search";
import { createD1Stores } from "../../storage/d1/stores";
import { IndexedGraphSearchStore } from "../../storage/graph-index/store";
import { LocalVectorStore } from "../../storage/local-vector/store";
import type { AppEnv } from "../app-env";

/** Engine dependencies bound to this request's env and config. */
export function queryDeps(c: Context<AppEnv>): QueryDeps {
  const config = c.get("config");
  const stores = createD1Stores(c.env.DB, new LocalVectorStore(c.env.VECTOR_INDEX));
  const { llm, embeddings } = createProviders(c.env, config);
  return {
    graphSearch: config.GRAPH_INDEX_ENABLED
      ? new IndexedGraphSearchStore(c.env.GRAPH_INDEX, c.env.DB, c.get("logger"))
      : new D1GraphSearchStore(c.env.DB),
    chunks: stores.chunks,
    vectors: stores.vectors,
    llm,
    embeddings,
  };
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
