/**
 * Queue consumer entry: resolves config and runtime flags once per batch, validates each
 * message's envelope and hands it to the handler for its `type` from an explicit table
 * (src/runtime/queue-handlers.ts: a typed record over every message type, so a missing handler
 * is a compile error). A message of a type no table knows is a poison pill: it is logged and
 * acknowledged instead of being retried into the dead-letter queue.
 */
import { z } from "zod";
import type { Env } from "../env";
import { createLogger } from "../observability/logger";
import { countQueueEvent } from "../observability/queue-metrics";
import { type Invocation, withInvocation } from "../runtime/invocation";
import { type Runtime, resolveRuntime } from "../runtime/runtime";

const envelope = z.object({ type: z.string().min(1) }).passthrough();

export type QueueEnvelope = z.infer<typeof envelope>;

/** Handles one message; throwing asks the queue to retry it with backoff. */
export type QueueMessageHandler = (body: QueueEnvelope, rt: Runtime) => Promise<void>;

/** Handlers by message type: `main` for the queue, `deadLetter` for its dead-letter queue. */
export interface QueueHandlerTable<T extends string> {
  main: Record<T, QueueMessageHandler>;
  deadLetter: Record<T, QueueMessageHandler>;
}

const DEAD_LETTER_QUEUE = /-dlq-/;

/** Wait before a batch is retried because the config is invalid (an operator must fix it first). */
const INVALID_CONFIG_RETRY_SECONDS = 300;

/** Exponential backoff for a failed message: 10 s, 20 s, 40 s, … capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

function lookup<T extends string>(table: Record<T, QueueMessageHandler>, type: string) {
  return Object.hasOwn(table, type) ? table[type as T] : undefined;
}

/**
 * The Worker's `queue()` handler over `table`.
 *
 * @example
 * export default { queue: createQueueConsumer(QUEUE_HANDLER_TABLE) };
 */
export function createQueueConsumer<T extends string>(
  table: QueueHandlerTable<T>,
): (batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) => Promise<void> {
  // The batch's Postgres pool (neon) ends once its waitUntil tasks have settled too.
  return (batch, env, ctx) =>
    withInvocation(ctx, (invocation) => consumeBatch(table, batch, env, invocation));
}

async function consumeBatch<T extends string>(
  table: QueueHandlerTable<T>,
  batch: MessageBatch<unknown>,
  env: Env,
  invocation: Invocation,
): Promise<void> {
  const { waitUntil } = invocation;
  const rt = await resolveRuntime(env, waitUntil, { queue: batch.queue });
  if (!rt) {
    createLogger("ERROR", { queue: batch.queue }).error("configuration invalid; queue batch retried later", {
      messages: batch.messages.length,
    });
    batch.retryAll({ delaySeconds: INVALID_CONFIG_RETRY_SECONDS });
    return;
  }
  invocation.closeAtEnd(rt.services.close);
  const { log } = rt;
  const deadLetters = DEAD_LETTER_QUEUE.test(batch.queue);
  const handlers = deadLetters ? table.deadLetter : table.main;
  for (const message of batch.messages) {
    const parsed = envelope.safeParse(message.body);
    const handler = parsed.success ? lookup(handlers, parsed.data.type) : undefined;
    const type = parsed.success ? parsed.data.type : "unknown";
    // A dead letter leaves the main queue's backlog when it arrives here.
    if (deadLetters) countQueueEvent(env, waitUntil, type, "dead_lettered");
    if (!parsed.success || !handler) {
      log.error("unprocessable queue message dropped", {
        message_id: message.id,
        type: parsed.success ? parsed.data.type : null,
        dead_letter: deadLetters,
      });
      message.ack();
      if (!deadLetters) countQueueEvent(env, waitUntil, type, "dropped");
      continue;
    }
    try {
      await handler(parsed.data, rt);
      message.ack();
      if (!deadLetters) countQueueEvent(env, waitUntil, type, "acked");
    } catch (error) {
      log.warn("queue message failed, will retry", {
        message_id: message.id,
        attempts: message.attempts,
        error: error instanceof Error ? error.message : String(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      if (!deadLetters) countQueueEvent(env, waitUntil, type, "retried");
    }
  }
}
