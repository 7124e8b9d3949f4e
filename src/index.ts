/** Worker entry: HTTP, queue and cron handlers, and the Durable Object classes. */
import { createApp } from "./app";
import "./audit/jobs";
import "./auth/jobs";
import type { Env } from "./env";
import { handleQueue } from "./pipeline/queue";
import { handleScheduled } from "./pipeline/scheduled";
import "./pipeline/backup/jobs";
// Side-effect imports: the ingestion pipeline registers its queue handlers and cron job.
import "./pipeline/ingest-consumer";
import "./pipeline/stalled-documents";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export { LoginGuard } from "./auth/login-guard";
export { RuntimeFlags } from "./flags/flags-object";
export { MetricsAggregator } from "./observability/metrics-aggregator";
export { WorkspaceCoordinator } from "./pipeline/coordinator";
export { RateLimiter } from "./ratelimit/limiter-object";
export { GraphIndex } from "./storage/graph-index/graph-index";
export { VectorIndex } from "./storage/local-vector/vector-index";
