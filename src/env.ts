/** The Worker's bindings, as wrangler.toml declares them. Plain-text vars are read by `config.ts`. */
import type { LoginGuard } from "./auth/login-guard";
import type { RuntimeFlags } from "./flags/flags-object";
import type { MetricsAggregator } from "./observability/metrics-aggregator";
import type { WorkspaceCoordinator } from "./pipeline/coordinator";
import type { RateLimiter } from "./ratelimit/limiter-object";
import type { GraphIndex } from "./storage/graph-index/graph-index";
import type { VectorIndex } from "./storage/local-vector/vector-index";

export interface Bindings {
  DB: D1Database;
  COORDINATOR: DurableObjectNamespace<WorkspaceCoordinator>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  METRICS: DurableObjectNamespace<MetricsAggregator>;
  LOGIN_GUARD: DurableObjectNamespace<LoginGuard>;
  VECTOR_INDEX: DurableObjectNamespace<VectorIndex>;
  GRAPH_INDEX: DurableObjectNamespace<GraphIndex>;
  FLAGS: DurableObjectNamespace<RuntimeFlags>;
  INGEST_QUEUE: Queue<unknown>;
  CACHE: KVNamespace;
  BACKUPS: R2Bucket;
  ANALYTICS: AnalyticsEngineDataset;
  AI: Ai;
  VECTORIZE_ENTITIES: Vectorize;
  VECTORIZE_RELATIONS: Vectorize;
  VECTORIZE_CHUNKS: Vectorize;
  ASSETS: Fetcher;
}

/** Bindings plus every `[vars]` entry and secret, which arrive as strings. */
export type Env = Bindings & Record<string, unknown>;
