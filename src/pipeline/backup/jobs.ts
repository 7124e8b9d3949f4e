/**
 * Registers the backup work: the daily cron job (backup → verify → retention), and the queue
 * messages that run a manual backup (`backup.create`) and the steps of a restore
 * (`backup.restore`, re-sent until the restore finishes; its dead letters mark it failed).
 */
import { z } from "zod";
import { loadConfig } from "../../config";
import type { Env } from "../../env";
import { queueHandlers } from "../queue";
import { registerScheduledJob } from "../scheduled";
import { BACKUP_ID_PATTERN } from "./manifest";
import { readRestoreState } from "./restore";
import { failRestore, runBackup, stepRestore, type WaitUntil } from "./service";

/** The backup cron of wrangler.toml `[triggers]` (01:00 UTC). */
export const BACKUP_CRON = "0 1 * * *";

export const BACKUP_CREATE_MESSAGE = "backup.create";
export const BACKUP_RESTORE_MESSAGE = "backup.restore";

const createMessage = z.object({
  type: z.literal(BACKUP_CREATE_MESSAGE),
  id: z.string().regex(BACKUP_ID_PATTERN),
  requested_by: z.string().nullable(),
  requested_at: z.iso.datetime(),
});
const restoreMessage = z.object({ type: z.literal(BACKUP_RESTORE_MESSAGE), target: z.string().min(1) });

export type BackupCreateMessage = z.infer<typeof createMessage>;

function waitUntilOf(ctx: ExecutionContext): WaitUntil {
  return (p) => ctx.waitUntil(p);
}

registerScheduledJob(BACKUP_CRON, "backup", async (env, log, scheduledTime, ctx) => {
  if (loadConfig(env).config?.BACKUP_ENABLED === false) {
    log.info("backup disabled (BACKUP_ENABLED=false)");
    return;
  }
  const run = await runBackup(env, waitUntilOf(ctx), "scheduled", new Date(scheduledTime));
  log.info("backup written", {
    backup_id: run.manifest.id,
    files: run.manifest.files.length,
    verified: run.verified,
    pruned: run.pruned.length,
  });
  if (!run.verified) throw new Error(`backup ${run.manifest.id} failed verification`);
});

queueHandlers.set(BACKUP_CREATE_MESSAGE, async (body, env, log, ctx) => {
  const message = createMessage.safeParse(body);
  if (!message.success) {
    log.error("malformed backup.create message dropped", {});
    return;
  }
  const { id, requested_by, requested_at } = message.data;
  const run = await runBackup(env, waitUntilOf(ctx), "manual", new Date(requested_at), id, requested_by);
  log.info("manual backup written", { backup_id: id, verified: run.verified });
});

/** Runs one restore step and sends the next message while the restore is still running. */
export async function continueRestore(env: Env, ctx: ExecutionContext, target: string): Promise<void> {
  const state = await readRestoreState(env.BACKUPS, target);
  if (state?.status !== "running") return;
  const next = await stepRestore(env, waitUntilOf(ctx), state);
  if (next.status === "running") await env.INGEST_QUEUE.send({ type: BACKUP_RESTORE_MESSAGE, target });
}

queueHandlers.set(BACKUP_RESTORE_MESSAGE, async (body, env, log, ctx) => {
  const message = restoreMessage.safeParse(body);
  if (!message.success) {
    log.error("malformed backup.restore message dropped", {});
    return;
  }
  await continueRestore(env, ctx, message.data.target);
});

queueHandlers.set(`dlq:${BACKUP_RESTORE_MESSAGE}`, async (body, env, log, ctx) => {
  const message = restoreMessage.safeParse(body);
  const config = loadConfig(env).config;
  if (!message.success || !config) return;
  const state = await readRestoreState(env.BACKUPS, message.data.target);
  if (state?.status !== "running") return;
  log.error("restore gave up after retries", { target: state.target_workspace, backup_id: state.backup_id });
  await failRestore(env, waitUntilOf(ctx), config, state, "a restore step kept failing; see the logs", false);
});
