/**
 * Request and response bodies of the Ollama-compatible API (`/api/*`), with Ollama's field
 * names as LightRAG's ollama_api.py serves them. Requests are validated with these schemas;
 * responses are built to match them (and the OpenAPI document is generated from them).
 */
import { z } from "zod";

/** Text one chat or generate request may carry in total (LightRAG's MAX_REQUEST_TEXT_CHARS). */
export const OLLAMA_MAX_TEXT_CHARS = 128 * 1024;

export const ollamaMessageSchema = z.looseObject({
  role: z.string().min(1).max(64),
  content: z.string().max(OLLAMA_MAX_TEXT_CHARS),
  images: z.array(z.string()).nullish(),
});

const options = z.record(z.string(), z.unknown()).nullish();

export const ollamaChatRequestSchema = z.looseObject({
  model: z.string().max(256).default(""),
  messages: z.array(ollamaMessageSchema).min(1).max(256),
  stream: z.boolean().default(true),
  options,
  system: z.string().max(OLLAMA_MAX_TEXT_CHARS).nullish(),
});

export const ollamaGenerateRequestSchema = z.looseObject({
  model: z.string().max(256).default(""),
  prompt: z.string().min(1).max(OLLAMA_MAX_TEXT_CHARS),
  system: z.string().max(OLLAMA_MAX_TEXT_CHARS).nullish(),
  stream: z.boolean().default(false),
  options,
});

export type OllamaChatRequest = z.output<typeof ollamaChatRequestSchema>;
export type OllamaGenerateRequest = z.output<typeof ollamaGenerateRequestSchema>;

/** Ollama's timings of a finished answer, in nanoseconds, and token counts. */
export const ollamaDoneStatsSchema = z.object({
  done_reason: z.literal("stop"),
  total_duration: z.number().int(),
  load_duration: z.number().int(),
  prompt_eval_count: z.number().int(),
  prompt_eval_duration: z.number().int(),
  eval_count: z.number().int(),
  eval_duration: z.number().int(),
});

const assistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.string(),
  images: z.null(),
});

/** One NDJSON line of a streamed chat before the end (`done: false`). */
export const ollamaChatChunkSchema = z.object({
  model: z.string(),
  created_at: z.string(),
  message: assistantMessage,
  done: z.literal(false),
});

/** A whole chat answer, or the last line of a streamed one (empty `content`). */
export const ollamaChatResponseSchema = z.object({
  model: z.string(),
  created_at: z.string(),
  message: assistantMessage,
  done: z.literal(true),
  ...ollamaDoneStatsSchema.shape,
});

export const ollamaGenerateChunkSchema = z.object({
  model: z.string(),
  created_at: z.string(),
  response: z.string(),
  done: z.literal(false),
});

export const ollamaGenerateResponseSchema = z.object({
  model: z.string(),
  created_at: z.string(),
  response: z.string(),
  done: z.literal(true),
  context: z.array(z.number().int()),
  ...ollamaDoneStatsSchema.shape,
});

export const ollamaVersionResponseSchema = z.object({ version: z.string() });

const modelDetails = z.object({
  parent_model: z.string(),
  format: z.string(),
  family: z.string(),
  families: z.array(z.string()),
  parameter_size: z.string(),
  quantization_level: z.string(),
});

export const ollamaModelSchema = z.object({
  name: z.string(),
  model: z.string(),
  modified_at: z.string(),
  size: z.number().int(),
  digest: z.string(),
  details: modelDetails,
});

export const ollamaTagsResponseSchema = z.object({ models: z.array(ollamaModelSchema) });

export const ollamaPsResponseSchema = z.object({
  models: z.array(
    ollamaModelSchema
      .omit({ modified_at: true })
      .extend({ expires_at: z.string(), size_vram: z.number().int() }),
  ),
});
