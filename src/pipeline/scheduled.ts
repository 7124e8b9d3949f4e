/**
 * Cron entry: resolves config and runtime flags once per run, runs the jobs of the firing cron
 * from an explicit table (src/runtime/cron-jobs.ts, keyed by the crons of wrangler.toml) and
 * logs each outcome. One failing job never stops the others.
 */
import type { Env } from "../env";
import { createLogger } from "../observability/logger";
import { type Invocation, withInvocation } from "../runtime/invocation";
import { type Runtime, resolveRuntime } from "../runtime/runtime";

export type ScheduledJob = (rt: Runtime, scheduledTime: number) => Promise<void>;

/** Jobs by name, per cron expression exactly as written in wrangler.toml `[triggers]`. */
export type CronJobTable<C extends string> = Record<C, Record<string, ScheduledJob>>;

/**
 * The Worker's `scheduled()` handler over `table`. Resolves when every job has settled.
 *
 * @example
 * export default { scheduled: createScheduledHandler(CRON_JOBS) };
 */
export function createScheduledHandler<C extends string>(
  table: CronJobTable<C>,
): (controller: ScheduledController, env: Env, ctx: ExecutionContext) => Promise<void> {
  // The run's Postgres pool (neon) ends once its waitUntil tasks have settled too.
  return (controller, env, ctx) =>
    withInvocation(ctx, (invocation) => runJobs(table, controller, env, invocation));
}

async function runJobs<C extends string>(
  table: CronJobTable<C>,
  controller: ScheduledController,
  env: Env,
  invocation: Invocation,
): Promise<void> {
  const rt = await resolveRuntime(env, invocation.waitUntil, { cron: controller.cron });
  if (!rt) {
    createLogger("ERROR", { cron: controller.cron }).error("configuration invalid; cron jobs skipped", {});
    return;
  }
  invocation.closeAtEnd(rt.services.close);
  const jobs = Object.hasOwn(table, controller.cron) ? table[controller.cron as C] : {};
  const entries = Object.entries(jobs);
  if (entries.length === 0) {
    rt.log.warn("no job registered for cron", {});
    return;
  }
  await Promise.all(
    entries.map(async ([name, job]) => {
      const started = Date.now();
      try {
        await job(rt, controller.scheduledTime);
        rt.log.info("scheduled job done", { job: name, duration_ms: Date.now() - started });
      } catch (error) {
        rt.log.error("scheduled job failed", {
          job: name,
          duration_ms: Date.now() - started,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
}
