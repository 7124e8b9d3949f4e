/**
 * Worker entry: HTTP, queue and cron handlers, and the Durable Object classes. Queue and cron
 * work come from explicit tables (src/runtime/queue-handlers.ts, src/runtime/cron-jobs.ts);
 * every entry point resolves config and runtime flags once and builds its services from the
 * composition root (src/runtime/).
 */
import { createApp } from "./app";
import type { Env } from "./env";
import { createQueueConsumer } from "./pipeline/queue";
import { createScheduledHandler } from "./pipeline/scheduled";
import { CRON_JOBS } from "./runtime/cron-jobs";
import { QUEUE_HANDLER_TABLE } from "./runtime/queue-handlers";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: createQueueConsumer(QUEUE_HANDLER_TABLE),
  scheduled: createScheduledHandler(CRON_JOBS),
} satisfies ExportedHandler<Env>;

export { LoginGuard } from "./auth/login-guard";
export { RuntimeFlags } from "./flags/flags-object";
export { MetricsAggregator } from "./observability/metrics-aggregator";
export { WorkspaceCoordinator } from "./pipeline/coordinator";
export { RateLimiter } from "./ratelimit/limiter-object";
export { GraphIndex } from "./storage/graph-index/graph-index";
export { VectorIndex } from "./storage/local-vector/vector-index";
