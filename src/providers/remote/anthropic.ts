/** Anthropic's Messages API (`/v1/messages`), direct or through an AI Gateway URL. */
import { z } from "zod";
import { ProviderError } from "../errors";
import type { ChatTransport, ProviderSpec, StreamEvent, TransportRequest } from "../transport";
import type { TokenUsage } from "../types";
import { joinUrl, parseAnswer, parseChunk, postJson, readJson, sseEvents, truncated } from "./http";

export const ANTHROPIC_DEFAULT_HOST = "https://api.anthropic.com";
const API_VERSION = "2023-06-01";
/** The Messages API requires a completion cap. */
const DEFAULT_MAX_TOKENS = 4096;
/** Anthropic has no JSON mode; this sentence is what LightRAG's keyword prompt needs. */
const JSON_INSTRUCTION = "Respond with a single valid JSON object and nothing else.";

const messageSchema = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  usage: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() }).optional(),
});
const eventSchema = z.object({
  type: z.string(),
  delta: z.object({ type: z.string().optional(), text: z.string().optional() }).optional(),
  message: z.object({ usage: z.object({ input_tokens: z.number().optional() }).optional() }).optional(),
  usage: z.object({ output_tokens: z.number().optional() }).optional(),
});

export class AnthropicTransport implements ChatTransport {
  readonly binding = "anthropic" as const;
  readonly model: string;
  readonly host?: string;
  private readonly url: string;
  private readonly headers: Record<string, string>;

  constructor(spec: ProviderSpec, gatewayToken?: string) {
    this.model = spec.model;
    this.host = spec.host;
    const base = spec.host ?? ANTHROPIC_DEFAULT_HOST;
    this.url = joinUrl(base, /\/v1\/?$/.test(base) ? "messages" : "v1/messages");
    this.headers = { "anthropic-version": API_VERSION };
    if (spec.apiKey) this.headers["x-api-key"] = spec.apiKey;
    if (gatewayToken) this.headers["cf-aig-authorization"] = `Bearer ${gatewayToken}`;
  }

  private body(request: TransportRequest, stream: boolean): Record<string, unknown> {
    const system = [request.system, request.json ? JSON_INSTRUCTION : undefined].filter(Boolean).join("\n\n");
    const body: Record<string, unknown> = {
      model: this.model,
      messages: request.messages.filter((message) => message.role !== "system"),
      max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      stream,
    };
    if (system) body.system = system;
    if (request.temperature !== undefined) body.temperature = Math.min(1, request.temperature);
    return body;
  }

  async complete(
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<{ text: string; usage?: TokenUsage }> {
    const response = await postJson("anthropic", this.url, this.headers, this.body(request, false), signal);
    const parsed = parseAnswer("anthropic", messageSchema, await readJson("anthropic", response, signal));
    const text = parsed.content.map((block) => (block.type === "text" ? (block.text ?? "") : "")).join("");
    const usage = parsed.usage;
    return {
      text,
      usage: usage
        ? { promptTokens: usage.input_tokens ?? 0, completionTokens: usage.output_tokens ?? 0 }
        : undefined,
    };
  }

  async *stream(request: TransportRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const response = await postJson("anthropic", this.url, this.headers, this.body(request, true), signal);
    for await (const { data } of sseEvents("anthropic", response, signal)) {
      const parsed = parseAnswer("anthropic", eventSchema, parseChunk("anthropic", data));
      const event = parsed;
      if (event.type === "error") throw new ProviderError("anthropic", "http", { status: 500 });
      if (event.type === "content_block_delta" && event.delta?.text) yield { delta: event.delta.text };
      if (event.type === "message_start" && event.message?.usage?.input_tokens !== undefined) {
        yield { usage: { promptTokens: event.message.usage.input_tokens } };
      }
      if (event.type === "message_delta" && event.usage?.output_tokens !== undefined) {
        yield { usage: { completionTokens: event.usage.output_tokens } };
      }
      if (event.type === "message_stop") return;
    }
    throw truncated("anthropic");
  }
}
