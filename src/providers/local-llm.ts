/**
 * The offline LLM: deterministic answers per role so the whole pipeline runs without a model.
 * "extract" answers only `<|COMPLETE|>` because the engine uses its LLM-free extractor with
 * this provider; the other roles derive their output from the prompt itself.
 */
import { answerFromContext, splitQueryPrompt } from "./local/answer";
import { extractKeywords, queryFromPrompt } from "./local/keywords";
import { descriptionsFromPrompt, summarize } from "./local/summary";
import { estimateTokens } from "./local/text";
import type { UsagePort } from "./ports";
import type { LlmClient, LlmRequest, LlmResponse } from "./types";

/** LightRAG's completion delimiter, ending every extraction answer. */
export const COMPLETION_DELIMITER = "<|COMPLETE|>";

/** Produces the text the offline model answers for `request`. */
export function localCompletion(request: LlmRequest): string {
  const last = request.messages.at(-1)?.content ?? "";
  const system = request.system ?? "";
  switch (request.role) {
    case "extract":
      return COMPLETION_DELIMITER;
    case "keyword":
      return JSON.stringify(extractKeywords(queryFromPrompt(system, last)));
    case "summary":
      return summarize(
        descriptionsFromPrompt(last || system),
        request.maxTokens ? request.maxTokens * 4 : undefined,
      );
    case "query": {
      const { query, context } = splitQueryPrompt(system, last);
      const history = request.messages
        .slice(0, -1)
        .map((message) => message.content)
        .join("\n");
      return answerFromContext(query, `${context}\n${history}`);
    }
  }
}

/** The `local` LLM provider. */
export class LocalLlmClient implements LlmClient {
  readonly model: string;
  private readonly usage: UsagePort | undefined;

  /** `usage` counts the estimated tokens like a provider's, so local runs chart LLM usage too. */
  constructor(model = "local-extractor", usage?: UsagePort) {
    this.model = model;
    this.usage = usage;
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    request.signal?.throwIfAborted();
    const text = localCompletion(request);
    const prompt = [request.system ?? "", ...request.messages.map((message) => message.content)].join("\n");
    const usage = { promptTokens: estimateTokens(prompt), completionTokens: estimateTokens(text) };
    // Accounting must never fail an answer (the resilient client swallows the same failures).
    await this.usage
      ?.record({
        workspace: request.workspace,
        role: request.role,
        provider: "local",
        model: this.model,
        ...usage,
        outcome: "call",
      })
      .catch(() => undefined);
    return {
      text,
      usage,
      provider: "local",
      model: this.model,
      cached: false,
    };
  }

  async *stream(request: LlmRequest): AsyncIterable<string> {
    const { text } = await this.complete(request);
    // Word-sized deltas, so stream consumers see more than one chunk as with a real model.
    for (const piece of text.match(/\S+\s*|\s+/gu) ?? []) yield piece;
  }
}
