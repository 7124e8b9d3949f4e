/**
 * OpenAI-compatible chat and embeddings: api.openai.com, Cloudflare AI Gateway URLs, vLLM,
 * LM Studio and anything else that speaks `/chat/completions`; Azure OpenAI differs only in
 * URL and key header, so it is built here too.
 */
import { z } from "zod";
import type {
  ChatTransport,
  EmbeddingTransport,
  ProviderSpec,
  StreamEvent,
  TransportRequest,
} from "../transport";
import type { TokenUsage } from "../types";
import { joinUrl, parseAnswer, parseChunk, postJson, readJson, sseEvents, truncated } from "./http";

export const OPENAI_DEFAULT_HOST = "https://api.openai.com/v1";

const usageSchema = z
  .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
  .nullish();
const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: usageSchema,
});
const chunkSchema = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }).partial() })).optional(),
  usage: usageSchema,
});
const embeddingSchema = z.object({
  data: z.array(z.object({ index: z.number(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number().optional() }).nullish(),
});

function toUsage(usage: z.infer<typeof usageSchema>): TokenUsage | undefined {
  if (!usage) return undefined;
  return { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 };
}

/** Where and how to call one OpenAI-style endpoint. */
interface Endpoint {
  provider: string;
  url: string;
  headers: Record<string, string>;
}

/** Headers for a plain OpenAI-compatible host; adds the AI Gateway token when configured. */
export function bearerHeaders(apiKey?: string, gatewayToken?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  if (gatewayToken) headers["cf-aig-authorization"] = `Bearer ${gatewayToken}`;
  return headers;
}

export class OpenAiChatTransport implements ChatTransport {
  readonly binding: ProviderSpec["binding"];
  readonly model: string;
  readonly host?: string;

  constructor(
    spec: ProviderSpec,
    private readonly endpoint: Endpoint,
  ) {
    this.binding = spec.binding;
    this.model = spec.model;
    this.host = spec.host;
  }

  private body(request: TransportRequest, stream: boolean): Record<string, unknown> {
    const messages = request.system
      ? [{ role: "system", content: request.system }, ...request.messages]
      : request.messages;
    const body: Record<string, unknown> = { model: this.model, messages, stream };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.json) body.response_format = { type: "json_object" };
    if (stream) body.stream_options = { include_usage: true };
    return body;
  }

  async complete(
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<{ text: string; usage?: TokenUsage }> {
    const { provider, url, headers } = this.endpoint;
    const response = await postJson(provider, url, headers, this.body(request, false), signal);
    const parsed = parseAnswer(provider, completionSchema, await readJson(provider, response, signal));
    return { text: parsed.choices[0]?.message.content ?? "", usage: toUsage(parsed.usage) };
  }

  async *stream(request: TransportRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const { provider, url, headers } = this.endpoint;
    const response = await postJson(provider, url, headers, this.body(request, true), signal);
    for await (const { data } of sseEvents(provider, response, signal)) {
      if (data === "[DONE]") return;
      const parsed = parseAnswer(provider, chunkSchema, parseChunk(provider, data));
      const delta = parsed.choices?.[0]?.delta.content;
      if (delta) yield { delta };
      const usage = toUsage(parsed.usage);
      if (usage) yield { usage };
    }
    throw truncated(provider);
  }
}

export class OpenAiEmbeddingTransport implements EmbeddingTransport {
  constructor(
    readonly binding: string,
    readonly model: string,
    private readonly endpoint: Endpoint,
    private readonly dimensions?: number,
  ) {}

  async embed(texts: string[], signal: AbortSignal): Promise<{ vectors: number[][]; promptTokens?: number }> {
    const { provider, url, headers } = this.endpoint;
    const body: Record<string, unknown> = { model: this.model, input: texts, encoding_format: "float" };
    if (this.dimensions !== undefined) body.dimensions = this.dimensions;
    const response = await postJson(provider, url, headers, body, signal);
    const parsed = parseAnswer(provider, embeddingSchema, await readJson(provider, response, signal));
    const vectors = [...parsed.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    return { vectors, promptTokens: parsed.usage?.prompt_tokens };
  }
}

/** Endpoint of a plain OpenAI-compatible host (`LLM_BINDING_HOST` ends in `/v1`). */
export function openAiEndpoint(
  host: string | undefined,
  path: string,
  headers: Record<string, string>,
): Endpoint {
  return { provider: "openai", url: joinUrl(host ?? OPENAI_DEFAULT_HOST, path), headers };
}

/** Endpoint of an Azure OpenAI deployment: the model name is the deployment name. */
export function azureEndpoint(
  endpoint: string,
  deployment: string,
  path: string,
  apiVersion: string,
  apiKey?: string,
): Endpoint {
  const url = `${joinUrl(endpoint, `openai/deployments/${encodeURIComponent(deployment)}/${path}`)}?api-version=${encodeURIComponent(apiVersion)}`;
  return { provider: "azure_openai", url, headers: apiKey ? { "api-key": apiKey } : {} };
}
