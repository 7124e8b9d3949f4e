/**
 * Cohere-, Jina- and Aliyun-compatible rerank APIs over HTTP, as LightRAG's `rerank.py`
 * (`generic_rerank_api`): a bearer key, `{model, query, documents, top_n}` (Aliyun nests them
 * under `input` and `parameters`) and `results[{index, relevance_score}]` back (Aliyun:
 * `output.results`).
 */
import { z } from "zod";
import { parseAnswer, postJson, readJson } from "../remote/http";
import type { RerankResult } from "../types";
import { bestFirst, type RerankTransport } from "./transport";

export type HttpRerankBinding = "cohere" | "jina" | "aliyun";

/** LightRAG's default endpoints and models per binding. */
export const HTTP_RERANK_DEFAULTS: Record<HttpRerankBinding, { host: string; model: string }> = {
  cohere: { host: "https://api.cohere.com/v2/rerank", model: "rerank-v3.5" },
  jina: { host: "https://api.jina.ai/v1/rerank", model: "jina-reranker-v2-base-multilingual" },
  aliyun: {
    host: "https://dashscope.aliyuncs.com/api/v1/services/rerank/text-rerank/text-rerank",
    model: "gte-rerank-v2",
  },
};

const result = z.object({ index: z.number().int(), relevance_score: z.number() });
const standardSchema = z.object({ results: z.array(result) });
const aliyunSchema = z.object({ output: z.object({ results: z.array(result) }) });

export class HttpRerankTransport implements RerankTransport {
  constructor(
    readonly binding: HttpRerankBinding,
    readonly model: string,
    readonly host: string,
    private readonly apiKey: string | undefined,
  ) {}

  async rerank(
    query: string,
    documents: string[],
    topN: number | undefined,
    signal: AbortSignal,
  ): Promise<RerankResult[]> {
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    const response = await postJson(
      this.binding,
      this.host,
      headers,
      this.body(query, documents, topN),
      signal,
    );
    const json = await readJson(this.binding, response, signal);
    const results =
      this.binding === "aliyun"
        ? parseAnswer(this.binding, aliyunSchema, json).output.results
        : parseAnswer(this.binding, standardSchema, json).results;
    return bestFirst(
      results.map((r) => ({ index: r.index, relevanceScore: r.relevance_score })),
      documents.length,
    );
  }

  private body(query: string, documents: string[], topN: number | undefined): Record<string, unknown> {
    const top = topN === undefined ? {} : { top_n: topN };
    if (this.binding === "aliyun") {
      return {
        model: this.model,
        input: { query, documents },
        parameters: { ...top, return_documents: false },
      };
    }
    // Cohere rejects `return_documents`; Jina takes it (LightRAG sends false).
    const extra = this.binding === "jina" ? { return_documents: false } : {};
    return { model: this.model, query, documents, ...top, ...extra };
  }
}
