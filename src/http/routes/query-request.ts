/**
 * LightRAG's `QueryRequest` body (shared by `/query`, `/query/stream`, `/query/data` and
 * `/api/query`): field names, defaults and limits as LightRAG; unknown fields are ignored.
 */
import { z } from "zod";
import type { Config } from "../../config";
import type { ChatMessage } from "../../providers/types";
import { QUERY_DEFAULTS, QUERY_MODES, type QueryParams } from "../../rag/query/params";

const MAX_QUERY_CHARS = 65_536;
const MAX_REQUEST_TEXT_CHARS = 128 * 1024;
const KiB = 1024;

const count = (max: number) => z.number().int().min(1).max(max).nullish();

const historyMessage = z.looseObject({
  role: z.string().max(64),
  content: z.string().max(32 * KiB),
});

const keywordList = z.array(z.string().max(512)).max(64).default([]);

export const queryRequestSchema = z
  .object({
    query: z
      .string()
      .max(MAX_QUERY_CHARS)
      .transform((value) => value.trim())
      .pipe(z.string().min(3, "query must have at least 3 characters")),
    mode: z.enum(QUERY_MODES).default("mix"),
    only_need_context: z.boolean().nullish(),
    only_need_prompt: z.boolean().nullish(),
    response_type: z.string().min(1).max(256).nullish(),
    top_k: count(1000),
    chunk_top_k: count(1000),
    max_entity_tokens: count(1_000_000),
    max_relation_tokens: count(1_000_000),
    max_total_tokens: count(1_000_000),
    hl_keywords: keywordList,
    ll_keywords: keywordList,
    conversation_history: z.array(historyMessage).max(128).nullish(),
    user_prompt: z
      .string()
      .max(64 * KiB)
      .nullish(),
    enable_rerank: z.boolean().nullish(),
    include_references: z.boolean().nullish(),
    include_chunk_content: z.boolean().nullish(),
    include_progress: z.boolean().nullish(),
    stream: z.boolean().nullish(),
  })
  .superRefine((body, ctx) => {
    const size =
      body.query.length +
      (body.user_prompt?.length ?? 0) +
      JSON.stringify(body.conversation_history ?? []).length;
    if (size > MAX_REQUEST_TEXT_CHARS) {
      ctx.addIssue({
        code: "custom",
        path: ["query"],
        message: `query, user_prompt and conversation_history together exceed ${MAX_REQUEST_TEXT_CHARS} characters`,
      });
    }
  });

export type QueryRequest = z.output<typeof queryRequestSchema>;

function history(messages: QueryRequest["conversation_history"]): ChatMessage[] {
  return (messages ?? []).map((message) => ({
    role: message.role === "assistant" || message.role === "system" ? message.role : "user",
    content: message.content,
  }));
}

/**
 * Engine parameters for a request, with the config's defaults; `stream` as the route decides.
 *
 * @example
 * const params = toQueryParams(body, c.get("config"), false);
 */
export function toQueryParams(body: QueryRequest, config: Config, stream: boolean): QueryParams {
  return {
    mode: body.mode,
    onlyNeedContext: body.only_need_context ?? false,
    onlyNeedPrompt: body.only_need_prompt ?? false,
    responseType: body.response_type ?? QUERY_DEFAULTS.responseType,
    stream,
    topK: body.top_k ?? config.TOP_K,
    chunkTopK: body.chunk_top_k ?? config.CHUNK_TOP_K,
    maxEntityTokens: body.max_entity_tokens ?? config.MAX_ENTITY_TOKENS,
    maxRelationTokens: body.max_relation_tokens ?? config.MAX_RELATION_TOKENS,
    maxTotalTokens: body.max_total_tokens ?? config.MAX_TOTAL_TOKENS,
    cosineThreshold: config.COSINE_THRESHOLD,
    relatedChunkNumber: config.RELATED_CHUNK_NUMBER,
    kgChunkPickMethod: config.KG_CHUNK_PICK_METHOD,
    minRerankScore: config.MIN_RERANK_SCORE,
    mixPpr: config.QUERY_MIX_PPR,
    hlKeywords: body.hl_keywords.map((k) => k.trim()).filter((k) => k !== ""),
    llKeywords: body.ll_keywords.map((k) => k.trim()).filter((k) => k !== ""),
    conversationHistory: history(body.conversation_history),
    userPrompt: body.user_prompt ?? "",
    // Without a reranker (RERANK_BINDING=null) the flag changes nothing but the answer's cache key.
    enableRerank: body.enable_rerank ?? config.RERANK_BY_DEFAULT,
    includeReferences: body.include_references ?? true,
    includeChunkContent: body.include_chunk_content ?? false,
  };
}
