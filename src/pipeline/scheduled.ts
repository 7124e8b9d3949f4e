/**
 * Cron entry: runs the jobs registered for the firing cron expression (backups, retention,
 * housekeeping register themselves) and logs each outcome. One failing job never stops the others.
 */
import { loadConfig } from "../config";
import type { Env } from "../env";
import { createLogger, type Logger } from "../observability/logger";

export type ScheduledJob = (
  env: Env,
  log: Logger,
  scheduledTime: number,
  ctx: ExecutionContext,
) => Promise<void>;

/** Jobs by cron expression, exactly as written in wrangler.toml `[triggers]`. */
export const scheduledJobs = new Map<string, Map<string, ScheduledJob>>();

/** Registers `job` under `name` for `cron`. */
export function registerScheduledJob(cron: string, name: string, job: ScheduledJob): void {
  const jobs = scheduledJobs.get(cron) ?? new Map<string, ScheduledJob>();
  jobs.set(name, job);
  scheduledJobs.set(cron, jobs);
}

/** The Worker's `scheduled()` handler. Resolves when every job has settled. */
export async function handleScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const log = createLogger(loadConfig(env).config?.LOG_LEVEL ?? "INFO", { cron: controller.cron });
  const jobs = scheduledJobs.get(controller.cron);
  if (!jobs || jobs.size === 0) {
    log.warn("no job registered for cron", {});
    return;
  }
  await Promise.all(
    [...jobs].map(async ([name, job]) => {
      const started = Date.now();
      try {
        await job(env, log, controller.scheduledTime, ctx);
        log.info("scheduled job done", { job: name, duration_ms: Date.now() - started });
      } catch (error) {
        log.error("scheduled job failed", {
          job: name,
          duration_ms: Date.now() - started,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
}
