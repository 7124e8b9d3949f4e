/**
 * Queue consumer entry: validates each message's envelope and hands it to the handler for its
 * `type`. A message no handler understands is a poison pill: it is logged and acknowledged
 * instead of being retried into the dead-letter queue.
 */
import { z } from "zod";
import { loadConfig } from "../config";
import type { Env } from "../env";
import { createLogger, type Logger } from "../observability/logger";
import { countQueueEvent } from "../observability/queue-metrics";

const envelope = z.object({ type: z.string().min(1) }).passthrough();

export type QueueMessageHandler = (
  body: z.infer<typeof envelope>,
  env: Env,
  log: Logger,
  ctx: ExecutionContext,
) => Promise<void>;

/** Handlers by message type; the ingestion pipeline registers its own. */
export const queueHandlers = new Map<string, QueueMessageHandler>();

const DEAD_LETTER_QUEUE = /-dlq-/;

/** Exponential backoff for a failed message: 10 s, 20 s, 40 s, … capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

/** The Worker's `queue()` handler. */
export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const log = createLogger(loadConfig(env).config?.LOG_LEVEL ?? "INFO", { queue: batch.queue });
  const deadLetters = DEAD_LETTER_QUEUE.test(batch.queue);
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
  for (const message of batch.messages) {
    const parsed = envelope.safeParse(message.body);
    const handler = parsed.success
      ? queueHandlers.get(deadLetters ? `dlq:${parsed.data.type}` : parsed.data.type)
      : undefined;
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
      await handler(parsed.data, env, log, ctx);
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
