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
import { joinUrl, lines, parseChunk, postJson, readJson, truncated } from "./http";

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
    const parsed = chatSchema.safeParse(await readJson("ollama", response, signal));
    if (!parsed.success || !parsed.data.message) throw new ProviderError("ollama", "malformed");
    return {
      text: parsed.data.message.content,
      usage: {
        promptTokens: parsed.data.prompt_eval_count ?? 0,
        completionTokens: parsed.data.eval_count ?? 0,
      },
    };
  }

  async *stream(request: TransportRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const response = await postJson("ollama", this.url, {}, this.body(request, true), signal);
    for await (const line of lines("ollama", response, signal)) {
      if (line.trim() === "") continue;
      const parsed = chatSchema.safeParse(parseChunk("ollama", line));
      if (!parsed.success) throw new ProviderError("ollama", "malformed", { cause: parsed.error });
      if (parsed.data.message?.content) yield { delta: parsed.data.message.content };
      if (parsed.data.done) {
        yield {
          usage: {
            promptTokens: parsed.data.prompt_eval_count ?? 0,
            completionTokens: parsed.data.eval_count ?? 0,
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
    const parsed = embedSchema.safeParse(await readJson("ollama", response, signal));
    if (!parsed.success) throw new ProviderError("ollama", "malformed", { cause: parsed.error });
    return { vectors: parsed.data.embeddings, promptTokens: parsed.data.prompt_eval_count };
  }
}
