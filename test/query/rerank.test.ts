/**
 * Chunk rerank after the merge, as LightRAG's `process_chunks_unified`: every merged chunk goes
 * to the reranker with top_n = chunk_top_k, MIN_RERANK_SCORE drops weak chunks, a failing
 * reranker leaves the merge order, and rerank off (no reranker, or enable_rerank=false)
 * changes nothing.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { queryRequestSchema, toQueryParams } from "../../src/http/routes/query-request";
import { LocalEmbeddingClient } from "../../src/providers/local-embedding";
import type { RerankClient, RerankRequest, RerankResult } from "../../src/providers/types";
import { retrieveForQuery } from "../../src/rag/query/engine";
import { QUERY_DEFAULTS, type QueryParams } from "../../src/rag/query/params";
import { rerankChunks } from "../../src/rag/query/rerank";
import type { QueryDeps, RetrievedChunk } from "../../src/rag/query/types";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { createD1Stores } from "../../src/storage/d1/stores";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { configWith, providersWith } from "../providers/helpers";
import { seedCorpus } from "./corpus";

const WS = "q_rerank";

const PARAMS: QueryParams = {
  mode: "mix",
  onlyNeedContext: false,
  onlyNeedPrompt: false,
  ...QUERY_DEFAULTS,
  stream: false,
  hlKeywords: ["partnership, engines"],
  llKeywords: ["Acme Corporation", "Babbage Labs"],
  conversationHistory: [],
  userPrompt: "",
  enableRerank: true,
  includeReferences: true,
  includeChunkContent: false,
};

const QUERY = "Who led Babbage Labs in Cambridge?";

let base: QueryDeps;

beforeAll(async () => {
  await seedCorpus(WS);
  const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (ws) =>
    invalidateGraphIndex(env.GRAPH_INDEX, ws),
  );
  base = {
    graphSearch: new D1GraphSearchStore(env.DB),
    chunks: stores.chunks,
    vectors: stores.vectors,
    llm: providersWith({}).llm,
    embeddings: new LocalEmbeddingClient(384),
  };
}, 60_000);

/** A reranker answering from `score(document)`, recording what it was asked. */
function fakeReranker(score: (doc: string) => number, calls: RerankRequest[] = []): RerankClient {
  return {
    binding: "fake",
    model: "fake",
    rerank: async (request) => {
      calls.push(request);
      const results: RerankResult[] = request.documents.map((doc, index) => ({
        index,
        relevanceScore: score(doc),
      }));
      results.sort((a, b) => b.relevanceScore - a.relevanceScore);
      return results.slice(0, request.topN);
    },
  };
}

async function chunkIds(deps: QueryDeps, params: Partial<QueryParams> = {}): Promise<string[]> {
  const { retrieval } = await retrieveForQuery(deps, WS, QUERY, { ...PARAMS, ...params });
  return (retrieval?.chunks ?? []).map((chunk) => chunk.id);
}

describe("rerank in retrieval", () => {
  it("off leaves the chunks unchanged: no reranker, or enable_rerank=false with one", async () => {
    const plain = await chunkIds(base);
    expect(plain.length).toBeGreaterThan(1);
    expect(await chunkIds({ ...base, reranker: null })).toEqual(plain);
    const calls: RerankRequest[] = [];
    const reranker = fakeReranker((doc) => (doc.includes("Cambridge") ? 1 : 0), calls);
    expect(await chunkIds({ ...base, reranker }, { enableRerank: false })).toEqual(plain);
    expect(calls).toHaveLength(0);
  });

  it("reranks every merged chunk with top_n = chunk_top_k and keeps the reranker's order", async () => {
    const calls: RerankRequest[] = [];
    const reranker = fakeReranker((doc) => (doc.includes("Cambridge") ? 0.9 : doc.length / 1000), calls);
    const plain = await chunkIds(base);
    const { retrieval } = await retrieveForQuery({ ...base, reranker }, WS, QUERY, {
      ...PARAMS,
      chunkTopK: 2,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.topN).toBe(2);
    expect(calls[0]?.query).toBe(QUERY);
    // Every merged chunk is a candidate, not only the first chunk_top_k.
    expect(calls[0]?.documents).toHaveLength(retrieval?.info.merged_chunks_count ?? -1);
    expect(calls[0]?.documents.length).toBeGreaterThan(2);
    expect(retrieval?.chunks.map((c) => c.id)).toEqual(["babbage-chunk-000", expect.any(String)]);
    // The reranker, not the merge, decides the order.
    expect(plain.slice(0, 2)).not.toEqual(retrieval?.chunks.map((c) => c.id));
  });

  it("drops chunks under MIN_RERANK_SCORE", async () => {
    const reranker = fakeReranker((doc) => (doc.includes("Cambridge") ? 0.8 : 0.1));
    expect(await chunkIds({ ...base, reranker }, { minRerankScore: 0.5 })).toEqual(["babbage-chunk-000"]);
    expect(await chunkIds({ ...base, reranker }, { minRerankScore: 0.95 })).toEqual([]);
  });

  it("the offline local reranker runs end to end", async () => {
    const { reranker } = providersWith({ RERANK_BINDING: "local" });
    const ids = await chunkIds({ ...base, reranker });
    expect(ids[0]).toBe("babbage-chunk-000");
    expect([...ids].sort()).toEqual([...(await chunkIds(base))].sort());
  });
});

describe("rerankChunks", () => {
  const chunks: RetrievedChunk[] = ["a", "b", "c"].map((id) => ({
    id,
    content: id,
    filePath: "f",
    tokens: 1,
  }));
  const input = { workspace: "w", query: "q", chunks, topN: 2, minScore: 0 };

  it("keeps the merge order when the reranker fails or answers nothing", async () => {
    const failing: RerankClient = {
      binding: "x",
      model: "x",
      rerank: vi.fn().mockRejectedValue(new Error("down")),
    };
    expect((await rerankChunks(failing, input)).map((c) => c.id)).toEqual(["a", "b", "c"]);
    const empty: RerankClient = { binding: "x", model: "x", rerank: async () => [] };
    expect((await rerankChunks(empty, { ...input, minScore: 0.5 })).map((c) => c.id)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("ignores indexes outside the request", async () => {
    const odd: RerankClient = {
      binding: "x",
      model: "x",
      rerank: async () => [
        { index: 7, relevanceScore: 1 },
        { index: 2, relevanceScore: 0.5 },
      ],
    };
    expect((await rerankChunks(odd, input)).map((c) => c.id)).toEqual(["c"]);
  });
});

describe("QueryRequest", () => {
  it("enable_rerank defaults to RERANK_BY_DEFAULT; MIN_RERANK_SCORE comes from config", () => {
    const body = queryRequestSchema.parse({ query: "Who founded Acme?" });
    expect(toQueryParams(body, configWith({}), false).enableRerank).toBe(true);
    const off = configWith({ RERANK_BY_DEFAULT: "false", MIN_RERANK_SCORE: "0.3" });
    expect(toQueryParams(body, off, false)).toMatchObject({ enableRerank: false, minRerankScore: 0.3 });
    const explicit = queryRequestSchema.parse({ query: "Who founded Acme?", enable_rerank: true });
    expect(toQueryParams(explicit, off, false).enableRerank).toBe(true);
  });
});
