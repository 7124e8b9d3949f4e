/**
 * The backup work: the daily cron job (backup → verify → retention), and the queue handlers
 * that run a manual backup (`backup.create`) and the steps of a restore (`backup.restore`,
 * re-sent until the restore finishes; its dead letters mark it failed). Listed in the tables
 * of src/runtime/ (queue-handlers.ts, cron-jobs.ts).
 */
import { z } from "zod";
import type { Runtime } from "../../runtime/runtime";
import { CRONS } from "../crons";
import { BACKUP_CREATE_MESSAGE, BACKUP_RESTORE_MESSAGE } from "../ingest-messages";
import type { QueueMessageHandler } from "../queue";
import type { ScheduledJob } from "../scheduled";
import { BACKUP_ID_PATTERN } from "./manifest";
import { readRestoreState } from "./restore";
import { failRestore, runBackup, stepRestore } from "./service";

/** The backup cron of wrangler.toml `[triggers]` (01:00 UTC). */
export const BACKUP_CRON = CRONS.backup;

export { BACKUP_CREATE_MESSAGE, BACKUP_RESTORE_MESSAGE };

const createMessage = z.object({
  type: z.literal(BACKUP_CREATE_MESSAGE),
  id: z.string().regex(BACKUP_ID_PATTERN),
  requested_by: z.string().nullable(),
  requested_at: z.iso.datetime(),
});
const restoreMessage = z.object({ type: z.literal(BACKUP_RESTORE_MESSAGE), target: z.string().min(1) });

export type BackupCreateMessage = z.infer<typeof createMessage>;

/** The daily backup; BACKUP_ENABLED=false skips it. */
export const backupJob: ScheduledJob = async (rt, scheduledTime) => {
  if (!rt.config.BACKUP_ENABLED) {
    rt.log.info("backup disabled (BACKUP_ENABLED=false)");
    return;
  }
  const run = await runBackup(rt, "scheduled", new Date(scheduledTime));
  rt.log.info("backup written", {
    backup_id: run.manifest.id,
    files: run.manifest.files.length,
    verified: run.verified,
    pruned: run.pruned.length,
  });
  if (!run.verified) throw new Error(`backup ${run.manifest.id} failed verification`);
};

/** `backup.create`: a manual backup requested through the admin API. */
export const backupCreateHandler: QueueMessageHandler = async (body, rt) => {
  const message = createMessage.safeParse(body);
  if (!message.success) {
    rt.log.error("malformed backup.create message dropped", {});
    return;
  }
  const { id, requested_by, requested_at } = message.data;
  const run = await runBackup(rt, "manual", new Date(requested_at), id, requested_by);
  rt.log.info("manual backup written", { backup_id: id, verified: run.verified });
};

/** Runs one restore step and sends the next message while the restore is still running. */
export async function continueRestore(rt: Runtime, target: string): Promise<void> {
  const state = await readRestoreState(rt.env.BACKUPS, target);
  if (state?.status !== "running") return;
  const next = await stepRestore(rt, state);
  if (next.status === "running") await rt.env.INGEST_QUEUE.send({ type: BACKUP_RESTORE_MESSAGE, target });
}

/** `backup.restore`: one step of a restore. */
export const backupRestoreHandler: QueueMessageHandler = async (body, rt) => {
  const message = restoreMessage.safeParse(body);
  if (!message.success) {
    rt.log.error("malformed backup.restore message dropped", {});
    return;
  }
  await continueRestore(rt, message.data.target);
};

/** Dead letters of `backup.restore`: the restore gave up; it is marked failed (the target stays locked). */
export const backupRestoreDeadLetter: QueueMessageHandler = async (body, rt) => {
  const message = restoreMessage.safeParse(body);
  if (!message.success) return;
  const state = await readRestoreState(rt.env.BACKUPS, message.data.target);
  if (state?.status !== "running") return;
  rt.log.error("restore gave up after retries", {
    target: state.target_workspace,
    backup_id: state.backup_id,
  });
  await failRestore(rt, state, "a restore step kept failing; see the logs", false);
};
