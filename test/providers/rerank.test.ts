/**
 * Rerankers: the Cohere, Jina and Aliyun HTTP shapes against the stub server over real HTTP,
 * Workers AI through the `AI` binding (vi.spyOn), the offline BM25 scorer, failover to the next
 * reranker, the cache in llm_cache, accounting, and config validation.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config";
import { bm25Scores } from "../../src/providers/rerank/local";
import type { RerankClient } from "../../src/providers/types";
import { providersWith, StubScope, workspaceId } from "./helpers";

afterEach(() => vi.restoreAllMocks());

const KEY = "rk-test-not-a-real-key-123";
const QUERY = "capital of France";
const DOCS = ["Tokyo is the capital of Japan.", "Paris is the capital of France.", "Bananas are yellow."];

function reranker(vars: Record<string, string>): RerankClient {
  const { reranker } = providersWith({ ENABLE_LLM_CACHE: "false", ...vars });
  if (!reranker) throw new Error("no reranker configured");
  return reranker;
}

async function cacheRows(
  workspace: string,
): Promise<{ id: string; cache_type: string; return_value: string }[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, cache_type, return_value FROM llm_cache WHERE workspace = ? ORDER BY id",
  )
    .bind(workspace)
    .all<{ id: string; cache_type: string; return_value: string }>();
  return results;
}

describe("HTTP rerankers", () => {
  it("cohere: POSTs model, query, documents and top_n with the bearer key; results best first", async () => {
    const scope = new StubScope("rerank-cohere");
    const client = reranker({
      RERANK_BINDING: "cohere",
      RERANK_BINDING_HOST: `${scope.base}/v2/rerank`,
      RERANK_BINDING_API_KEY: KEY,
    });
    expect(client.model).toBe("rerank-v3.5");
    const results = await client.rerank({ query: QUERY, documents: DOCS, topN: 2, workspace: "w" });
    expect(results.map((r) => r.index)).toEqual([1, 0]);
    expect(results[0]?.relevanceScore).toBe(1);
    const [request] = await scope.requests();
    expect(request).toMatchObject({ path: "/v2/rerank", model: "rerank-v3.5", authorized: true });
  });

  it("jina and aliyun: their own request and answer shapes, default models", async () => {
    const jina = new StubScope("rerank-jina");
    const aliyun = new StubScope("rerank-aliyun");
    const j = reranker({
      RERANK_BINDING: "jina",
      RERANK_BINDING_HOST: `${jina.base}/v1/rerank`,
      JINA_API_KEY: KEY,
    });
    const a = reranker({
      RERANK_BINDING: "aliyun",
      RERANK_BINDING_HOST: `${aliyun.base}/api/v1/services/rerank/text-rerank/text-rerank`,
      DASHSCOPE_API_KEY: KEY,
    });
    expect((await j.rerank({ query: QUERY, documents: DOCS, workspace: "w" })).map((r) => r.index)).toEqual([
      1, 0, 2,
    ]);
    expect(
      (await a.rerank({ query: QUERY, documents: DOCS, topN: 1, workspace: "w" })).map((r) => r.index),
    ).toEqual([1]);
    expect((await jina.requests())[0]).toMatchObject({
      model: "jina-reranker-v2-base-multilingual",
      authorized: true,
    });
    expect((await aliyun.requests())[0]).toMatchObject({ model: "gte-rerank-v2", authorized: true });
  });

  it("a malformed answer fails the call (after no retries: it is the provider's fault)", async () => {
    const scope = new StubScope("rerank-malformed");
    await scope.faults({ kind: "malformed" });
    const client = reranker({
      RERANK_BINDING: "cohere",
      RERANK_BINDING_HOST: `${scope.base}/v2/rerank`,
      COHERE_API_KEY: KEY,
    });
    await expect(client.rerank({ query: QUERY, documents: DOCS, workspace: "w" })).rejects.toThrow(
      /Rerank providers unavailable \(cohere malformed\)/,
    );
    expect(await scope.requests()).toHaveLength(1);
  });
});

describe("failover and cache", () => {
  it("fails over to the next reranker when the first keeps failing, and counts both in usage", async () => {
    const first = new StubScope("rerank-down");
    const second = new StubScope("rerank-up");
    await first.faults({ kind: "503", times: 10 });
    const workspace = workspaceId("rerank_failover");
    const client = reranker({
      RERANK_BINDING: "cohere",
      RERANK_BINDING_HOST: `${first.base}/v2/rerank`,
      RERANK_BINDING_API_KEY: KEY,
      RERANK_FALLBACKS: `jina|jina-reranker-v2-base-multilingual|${second.base}/v1/rerank`,
      JINA_API_KEY: KEY,
    });
    const results = await client.rerank({ query: QUERY, documents: DOCS, topN: 1, workspace });
    expect(results.map((r) => r.index)).toEqual([1]);
    // LLM_MAX_RETRIES=2 (test settings): three tries on the first, then the second answers.
    expect(await first.requests()).toHaveLength(3);
    expect(await second.requests()).toHaveLength(1);
    const { results: usage } = await env.DB.prepare(
      "SELECT role, provider, calls, errors FROM llm_usage WHERE workspace = ? ORDER BY provider",
    )
      .bind(workspace)
      .all();
    expect(usage).toEqual([
      { role: "rerank", provider: "cohere", calls: 0, errors: 1 },
      { role: "rerank", provider: "jina", calls: 1, errors: 0 },
    ]);
  });

  it("serves a repeated rerank from llm_cache (cache_type rerank) without calling the provider", async () => {
    const scope = new StubScope("rerank-cache");
    const workspace = workspaceId("rerank_cache");
    const client = reranker({
      RERANK_BINDING: "cohere",
      RERANK_BINDING_HOST: `${scope.base}/v2/rerank`,
      RERANK_BINDING_API_KEY: KEY,
      ENABLE_LLM_CACHE: "true",
    });
    const first = await client.rerank({ query: QUERY, documents: DOCS, topN: 2, workspace });
    const again = await client.rerank({ query: QUERY, documents: DOCS, topN: 2, workspace });
    expect(again).toEqual(first);
    expect(await scope.requests()).toHaveLength(1);
    const rows = await cacheRows(workspace);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toMatch(/^default:rerank:[0-9a-f]{32}$/);
    // Other documents or another top_n are another entry.
    await client.rerank({ query: QUERY, documents: DOCS, topN: 1, workspace });
    expect(await scope.requests()).toHaveLength(2);
  });
});

describe("workers_ai", () => {
  it("runs @cf/baai/bge-reranker-base with query, contexts and top_k through the AI binding", async () => {
    const run = vi
      .spyOn(env.AI as unknown as { run: (...args: unknown[]) => Promise<unknown> }, "run")
      .mockResolvedValue({
        response: [
          { id: 2, score: 0.1 },
          { id: 1, score: 0.9 },
        ],
      });
    const client = reranker({ RERANK_BINDING: "workers-ai" });
    expect(client.binding).toBe("workers_ai");
    const results = await client.rerank({ query: QUERY, documents: DOCS, topN: 2, workspace: "w" });
    expect(results).toEqual([
      { index: 1, relevanceScore: 0.9 },
      { index: 2, relevanceScore: 0.1 },
    ]);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0]?.[0]).toBe("@cf/baai/bge-reranker-base");
    expect(run.mock.calls[0]?.[1]).toEqual({
      query: QUERY,
      contexts: DOCS.map((text) => ({ text })),
      top_k: 2,
    });
  });
});

describe("local", () => {
  it("scores by BM25 over the candidates, deterministic, in [0, 1)", async () => {
    const scores = bm25Scores(QUERY, DOCS);
    expect(scores[1]).toBeGreaterThan(scores[0] as number);
    expect(scores[2]).toBe(0);
    expect(scores.every((s) => s >= 0 && s < 1)).toBe(true);
    expect(bm25Scores(QUERY, DOCS)).toEqual(scores);
    const client = reranker({ RERANK_BINDING: "local" });
    expect(client.model).toBe("local-bm25");
    expect(
      (await client.rerank({ query: QUERY, documents: DOCS, topN: 2, workspace: "w" })).map((r) => r.index),
    ).toEqual([1, 0]);
  });
});

describe("config", () => {
  it("is off by default and validates the binding and the fallbacks", () => {
    expect(providersWith({}).reranker).toBeNull();
    expect(parseConfig({ RERANK_BINDING: "voyage" }).problems[0]).toMatch(/^RERANK_BINDING:/);
    expect(parseConfig({ RERANK_FALLBACKS: "cohere,nope" }).problems[0]).toMatch(
      /^RERANK_FALLBACKS: unknown rerank binding "nope"/,
    );
    expect(parseConfig({ MIN_RERANK_SCORE: "-1" }).problems[0]).toMatch(/^MIN_RERANK_SCORE:/);
    expect(parseConfig({ RERANK_BINDING: "Workers-AI" }).config?.RERANK_BINDING).toBe("workers_ai");
  });
});
