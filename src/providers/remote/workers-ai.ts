/**
 * Workers AI through the `AI` binding: text generation (optionally through an AI Gateway) and
 * bge embeddings. The binding is read at call time so tests can `vi.spyOn(env.AI, "run")`.
 */
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
import { parseAnswer, parseChunk, sseEvents, truncated } from "./http";

export const WORKERS_AI_DEFAULT_MODEL = "@cf/meta/llama-3.1-8b-instruct";
export const WORKERS_AI_DEFAULT_EMBEDDING = "@cf/baai/bge-base-en-v1.5";

/** The slice of the `Ai` binding used here, with a plain string model name. */
export interface AiRunner {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

const textSchema = z.object({
  response: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  usage: z
    .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
    .optional(),
});
const chunkSchema = z.object({
  response: z.string().optional(),
  usage: z
    .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
    .optional(),
});
const embedSchema = z.object({ data: z.array(z.array(z.number())) });

/** Binding errors carry Cloudflare codes, not HTTP statuses; capacity and rate limits are retryable. */
function bindingError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/\b(3040|429)\b|rate limit|capacity/i.test(message))
    return new ProviderError("workers-ai", "http", { status: 429, cause: error });
  if (/\b(400|5006|5007|8\d{3})\b|invalid|bad input/i.test(message)) {
    return new ProviderError("workers-ai", "http", { status: 400, cause: error });
  }
  return new ProviderError("workers-ai", "network", { cause: error });
}

async function run(
  ai: () => AiRunner,
  model: string,
  inputs: Record<string, unknown>,
  options: Record<string, unknown>,
  signal: AbortSignal,
): Promise<unknown> {
  signal.throwIfAborted();
  // The binding takes no AbortSignal; racing it keeps the per-call timeout honest.
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
  );
  try {
    return await Promise.race([ai().run(model, inputs, options), aborted]);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw bindingError(error);
  }
}

export class WorkersAiChatTransport implements ChatTransport {
  readonly binding = "workers-ai" as const;
  readonly model: string;
  readonly host = undefined;

  constructor(
    spec: ProviderSpec,
    private readonly ai: () => AiRunner,
    private readonly gatewayId?: string,
  ) {
    this.model = spec.model;
  }

  private inputs(request: TransportRequest, stream: boolean): Record<string, unknown> {
    const messages = request.system
      ? [{ role: "system", content: request.system }, ...request.messages]
      : request.messages;
    const inputs: Record<string, unknown> = { messages, stream };
    if (request.temperature !== undefined) inputs.temperature = request.temperature;
    if (request.maxTokens !== undefined) inputs.max_tokens = request.maxTokens;
    if (request.json) inputs.response_format = { type: "json_object" };
    return inputs;
  }

  private options(): Record<string, unknown> {
    return this.gatewayId ? { gateway: { id: this.gatewayId } } : {};
  }

  async complete(
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<{ text: string; usage?: TokenUsage }> {
    const result = await run(this.ai, this.model, this.inputs(request, false), this.options(), signal);
    const parsed = parseAnswer("workers-ai", textSchema, result);
    const response = parsed.response;
    const text = typeof response === "string" ? response : response ? JSON.stringify(response) : "";
    const usage = parsed.usage;
    return {
      text,
      usage: usage
        ? { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 }
        : undefined,
    };
  }

  async *stream(request: TransportRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const result = await run(this.ai, this.model, this.inputs(request, true), this.options(), signal);
    if (!(result instanceof ReadableStream)) throw new ProviderError("workers-ai", "malformed");
    const response = new Response(result as ReadableStream<Uint8Array>);
    for await (const { data } of sseEvents("workers-ai", response, signal)) {
      if (data === "[DONE]") return;
      const parsed = parseAnswer("workers-ai", chunkSchema, parseChunk("workers-ai", data));
      if (parsed.response) yield { delta: parsed.response };
      const usage = parsed.usage;
      if (usage)
        yield {
          usage: { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 },
        };
    }
    throw truncated("workers-ai");
  }
}

export class WorkersAiEmbeddingTransport implements EmbeddingTransport {
  readonly binding = "workers-ai";

  constructor(
    readonly model: string,
    private readonly ai: () => AiRunner,
    private readonly gatewayId?: string,
  ) {}

  async embed(texts: string[], signal: AbortSignal): Promise<{ vectors: number[][] }> {
    const options = this.gatewayId ? { gateway: { id: this.gatewayId } } : {};
    const result = await run(this.ai, this.model, { text: texts }, options, signal);
    const parsed = parseAnswer("workers-ai", embedSchema, result);
    return { vectors: parsed.data };
  }
}
