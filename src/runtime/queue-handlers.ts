/**
 * The queue handler table: one handler per message type and one per dead-letter type. Typed
 * records over `QueueMessageType`, so a message type without a handler does not compile
 * (before, handlers registered themselves as an import side effect, and one missing import
 * made the consumer acknowledge and drop those messages as poison pills).
 */
import { auditWriteHandler } from "../audit/jobs";
import { backupCreateHandler, backupRestoreDeadLetter, backupRestoreHandler } from "../pipeline/backup/jobs";
import { deleteBatch, deleteDeadLetter, ingestBatch, ingestDeadLetter } from "../pipeline/ingest-consumer";
import type { QueueMessageType } from "../pipeline/ingest-messages";
import type { QueueHandlerTable, QueueMessageHandler } from "../pipeline/queue";

/**
 * Dead letters whose work nobody can finish later: logged as errors (the payload is the
 * evidence) and acknowledged.
 */
function logDeadLetter(what: string): QueueMessageHandler {
  return async (body, { log }) => {
    log.error(`${what} gave up after the queue's retries`, { type: body.type });
  };
}

export const QUEUE_HANDLERS: Record<QueueMessageType, QueueMessageHandler> = {
  "rag.ingest": ingestBatch,
  "rag.delete": deleteBatch,
  "audit.write": auditWriteHandler,
  "backup.create": backupCreateHandler,
  "backup.restore": backupRestoreHandler,
};

export const DEAD_LETTER_HANDLERS: Record<QueueMessageType, QueueMessageHandler> = {
  // Documents still open are marked failed.
  "rag.ingest": ingestDeadLetter,
  // A deletion is never dropped: sent again later.
  "rag.delete": deleteDeadLetter,
  // The SECURITY line on stdout already carries the event.
  "audit.write": logDeadLetter("a deferred audit row"),
  // The operator sees the backup missing in GET /admin/backups and the backup alert.
  "backup.create": logDeadLetter("a manual backup"),
  // The restore is marked failed; the target stays locked.
  "backup.restore": backupRestoreDeadLetter,
};

export const QUEUE_HANDLER_TABLE: QueueHandlerTable<QueueMessageType> = {
  main: QUEUE_HANDLERS,
  deadLetter: DEAD_LETTER_HANDLERS,
};
