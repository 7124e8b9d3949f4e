/** Ollama's native API: `/api/chat` (NDJSON when streaming) and `/api/embed`. */
import { z } from "zod";
import { ProviderError } from "../errors";
import type {
  ChatTransport,
  EmbeddingTransport,
  ProviderSpec,
  StreamEvent,
  TransportRequest,
} from "../transport";
import type { TokenUsage } from "../types";
import { joinUrl, lines, parseAnswer, parseChunk, postJson, readJson, truncated } from "./http";

export const OLLAMA_DEFAULT_HOST = "http://localhost:11434";

const chatSchema = z.object({
  message: z.object({ content: z.string() }).optional(),
  done: z.boolean().optional(),
  prompt_eval_count: z.number().optional(),
  eval_count: z.number().optional(),
});
const embedSchema = z.object({
  embeddings: z.array(z.array(z.number())),
  prompt_eval_count: z.number().optional(),
});

export class OllamaChatTransport implements ChatTransport {
  readonly binding = "ollama" as const;
  readonly model: string;
  readonly host?: string;
  private readonly url: string;

  constructor(spec: ProviderSpec) {
    this.model = spec.model;
    this.host = spec.host;
    this.url = joinUrl(spec.host ?? OLLAMA_DEFAULT_HOST, "api/chat");
  }

  private body(request: TransportRequest, stream: boolean): Record<string, unknown> {
    const messages = request.system
      ? [{ role: "system", content: request.system }, ...request.messages]
      : request.messages;
    const options: Record<string, number> = {};
    if (request.temperature !== undefined) options.temperature = request.temperature;
    if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
    const body: Record<string, unknown> = { model: this.model, messages, stream, options };
    if (request.json) body.format = "json";
    return body;
  }

  async complete(
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<{ text: string; usage?: TokenUsage }> {
    const response = await postJson("ollama", this.url, {}, this.body(request, false), signal);
    const parsed = parseAnswer("ollama", chatSchema, await readJson("ollama", response, signal));
    if (!parsed.message) throw new ProviderError("ollama", "malformed");
    return {
      text: parsed.message.content,
      usage: {
        promptTokens: parsed.prompt_eval_count ?? 0,
        completionTokens: parsed.eval_count ?? 0,
      },
    };
  }

  async *stream(request: TransportRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const response = await postJson("ollama", this.url, {}, this.body(request, true), signal);
    for await (const line of lines("ollama", response, signal)) {
      if (line.trim() === "") continue;
      const parsed = parseAnswer("ollama", chatSchema, parseChunk("ollama", line));
      if (parsed.message?.content) yield { delta: parsed.message.content };
      if (parsed.done) {
        yield {
          usage: {
            promptTokens: parsed.prompt_eval_count ?? 0,
            completionTokens: parsed.eval_count ?? 0,
          },
        };
        return;
      }
    }
    throw truncated("ollama");
  }
}

export class OllamaEmbeddingTransport implements EmbeddingTransport {
  readonly binding = "ollama";
  private readonly url: string;

  constructor(
    readonly model: string,
    host?: string,
  ) {
    this.url = joinUrl(host ?? OLLAMA_DEFAULT_HOST, "api/embed");
  }

  async embed(texts: string[], signal: AbortSignal): Promise<{ vectors: number[][]; promptTokens?: number }> {
    const response = await postJson("ollama", this.url, {}, { model: this.model, input: texts }, signal);
    const parsed = parseAnswer("ollama", embedSchema, await readJson("ollama", response, signal));
    return { vectors: parsed.embeddings, promptTokens: parsed.prompt_eval_count };
  }
}
