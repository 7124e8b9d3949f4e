/**
 * Workers AI rerankers (`@cf/baai/bge-reranker-base`) through the `AI` binding:
 * `{query, contexts: [{text}], top_k}` in, `response[{id, score}]` out. The binding is read at
 * call time so tests can `vi.spyOn(env.AI, "run")`.
 */
import { z } from "zod";
import { ProviderError } from "../errors";
import { parseAnswer } from "../remote/http";
import type { AiRunner } from "../remote/workers-ai";
import type { RerankResult } from "../types";
import { bestFirst, type RerankTransport } from "./transport";

export const WORKERS_AI_DEFAULT_RERANKER = "@cf/baai/bge-reranker-base";

const answerSchema = z.object({
  response: z.array(z.object({ id: z.number().int(), score: z.number() })),
});

export class WorkersAiRerankTransport implements RerankTransport {
  readonly binding = "workers_ai";
  readonly host = undefined;

  constructor(
    readonly model: string,
    private readonly ai: () => AiRunner,
    private readonly gatewayId?: string,
  ) {}

  async rerank(
    query: string,
    documents: string[],
    topN: number | undefined,
    signal: AbortSignal,
  ): Promise<RerankResult[]> {
    signal.throwIfAborted();
    const inputs = { query, contexts: documents.map((text) => ({ text })), ...(topN ? { top_k: topN } : {}) };
    const options = this.gatewayId ? { gateway: { id: this.gatewayId } } : {};
    // The binding takes no AbortSignal; racing it keeps the per-call timeout honest.
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
    );
    let answer: unknown;
    try {
      answer = await Promise.race([this.ai().run(this.model, inputs, options), aborted]);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const message = error instanceof Error ? error.message : String(error);
      const status = /\b(3040|429)\b|rate limit|capacity/i.test(message) ? 429 : undefined;
      throw status
        ? new ProviderError(this.binding, "http", { status, cause: error })
        : new ProviderError(this.binding, "network", { cause: error });
    }
    const parsed = parseAnswer(this.binding, answerSchema, answer);
    return bestFirst(
      parsed.response.map((r) => ({ index: r.id, relevanceScore: r.score })),
      documents.length,
    );
  }
}
