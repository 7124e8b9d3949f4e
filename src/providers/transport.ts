/**
 * What one concrete provider implements: a single call to a single host, no retries, no
 * failover. `chain.ts` adds the resilience around it.
 */
import type { LlmBinding } from "../config/llm";
import type { ChatMessage, TokenUsage } from "./types";

export interface TransportRequest {
  system?: string;
  messages: ChatMessage[];
  json?: boolean;
  temperature?: number;
  maxTokens?: number;
}

/** A streamed piece of text, or the usage some providers report at the end. */
export type StreamEvent = { delta: string } | { usage: Partial<TokenUsage> };

export interface ChatTransport {
  readonly binding: LlmBinding;
  readonly model: string;
  readonly host?: string;
  complete(request: TransportRequest, signal: AbortSignal): Promise<{ text: string; usage?: TokenUsage }>;
  stream(request: TransportRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
}

export interface EmbeddingTransport {
  readonly binding: string;
  readonly model: string;
  embed(texts: string[], signal: AbortSignal): Promise<{ vectors: number[][]; promptTokens?: number }>;
}

/** Settings of one link in a chain, after per-role overrides and defaults. */
export interface ProviderSpec {
  binding: LlmBinding;
  model: string;
  host?: string;
  apiKey?: string;
  timeoutMs: number;
}
