/**
 * Background work of the audit trail: the queue handler for rows the table could not take in
 * time, and the retention job of the 15-minute housekeeping cron. Both are listed in the
 * tables of src/runtime/ (queue-handlers.ts, cron-jobs.ts).
 */
import { z } from "zod";
import type { QueueMessageHandler } from "../pipeline/queue";
import type { ScheduledJob } from "../pipeline/scheduled";
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, type AuditRecord } from "./record";
import { AUDIT_WRITE_MESSAGE } from "./sinks";

const DAY_MS = 24 * 60 * 60 * 1000;

const nullableText = z.string().nullable();
const deferredRow = z.object({
  type: z.literal(AUDIT_WRITE_MESSAGE),
  id: z.string().min(1).max(64),
  record: z.object({
    timestamp: z.iso.datetime(),
    event_type: z.enum(AUDIT_EVENT_TYPES as [AuditRecord["event_type"], ...AuditRecord["event_type"][]]),
    event_action: z.string().min(1),
    user_id: nullableText,
    ip_address: nullableText,
    user_agent: nullableText,
    session_id: nullableText,
    additional_data: z.record(z.string(), z.unknown()),
    request_id: nullableText,
    workspace: z.string().min(1),
    outcome: z.enum(AUDIT_OUTCOMES as [AuditRecord["outcome"], ...AuditRecord["outcome"][]]),
  }),
});

/** `audit.write`: inserts a row the request could not insert in time (same id, so nothing doubles). */
export const auditWriteHandler: QueueMessageHandler = async (body, { log, services }) => {
  const message = deferredRow.safeParse(body);
  if (!message.success) {
    // Retrying cannot fix a malformed row; keep the evidence in the log and acknowledge it.
    log.error("malformed audit row dropped", { issues: message.error.issues.length });
    return;
  }
  await services.audit.insert(message.data.id, message.data.record);
};

/** Deletes audit rows older than AUDIT_RETENTION_DAYS. */
export const auditRetentionJob: ScheduledJob = async ({ config, log, services }, scheduledTime) => {
  const days = config.AUDIT_RETENTION_DAYS;
  if (!days) return;
  const deleted = await services.audit.prune(scheduledTime - days * DAY_MS);
  if (deleted > 0) log.info("audit retention", { deleted, retention_days: days });
};
