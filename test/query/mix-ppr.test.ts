/**
 * `QUERY_MIX_PPR`: mix with the Personalized PageRank ranking merged first, off by default so
 * mix stays LightRAG's; the answer-cache key changes only where retrieval does.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalEmbeddingClient } from "../../src/providers/local-embedding";
import { answerCacheOptions } from "../../src/rag/query/cache-args";
import { retrieveForQuery } from "../../src/rag/query/engine";
import { QUERY_DEFAULTS, type QueryParams } from "../../src/rag/query/params";
import { loadTokenizer } from "../../src/rag/query/tokens";
import type { QueryDeps } from "../../src/rag/query/types";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { createD1Stores } from "../../src/storage/d1/stores";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { configWith, providersWith } from "../providers/helpers";
import { seedCorpus } from "./corpus";

const WS = "q_mix_ppr";

const PARAMS: QueryParams = {
  mode: "mix",
  onlyNeedContext: true,
  onlyNeedPrompt: false,
  ...QUERY_DEFAULTS,
  stream: false,
  topK: 1,
  chunkTopK: 10,
  hlKeywords: [],
  llKeywords: ["Charles Babbage"],
  conversationHistory: [],
  userPrompt: "",
  enableRerank: true,
  includeReferences: true,
  includeChunkContent: false,
};

let deps: QueryDeps;

beforeAll(async () => {
  await seedCorpus(WS);
  await loadTokenizer();
  const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (ws) =>
    invalidateGraphIndex(env.GRAPH_INDEX, ws),
  );
  deps = {
    graphSearch: new D1GraphSearchStore(env.DB),
    chunks: stores.chunks,
    vectors: stores.vectors,
    llm: providersWith({}).llm,
    embeddings: new LocalEmbeddingClient(384),
  };
}, 60_000);

const chunkIds = async (params: QueryParams) =>
  (await retrieveForQuery(deps, WS, "Charles Babbage", params)).retrieval?.chunks.map((c) => c.id) ?? [];

describe("QUERY_MIX_PPR", () => {
  it("is off by default", () => {
    expect(configWith({}).QUERY_MIX_PPR).toBe(false);
    expect(configWith({ QUERY_MIX_PPR: "true" }).QUERY_MIX_PPR).toBe(true);
  });

  it("on: mix takes the PageRank ranking first, so a chunk two hops away joins; off: LightRAG's mix", async () => {
    const off = await chunkIds({ ...PARAMS, mixPpr: false });
    const on = await chunkIds({ ...PARAMS, mixPpr: true });
    const ppr = await chunkIds({ ...PARAMS, mode: "ppr" });
    expect(on[0]).toBe(ppr[0]);
    expect(on).toContain("acme-chunk-001");
    expect(new Set(on)).toEqual(new Set([...off, ...ppr]));
  });

  it("changes the answer-cache key of mix only when on", () => {
    const keywords = { high: [], low: ["Charles Babbage"] };
    const args = (params: QueryParams) => answerCacheOptions("q", params, keywords).args;
    expect(args({ ...PARAMS, mixPpr: false })).toEqual(args(PARAMS));
    expect(args({ ...PARAMS, mixPpr: true })).not.toEqual(args(PARAMS));
    expect(args({ ...PARAMS, mode: "local", mixPpr: true })).toEqual(args({ ...PARAMS, mode: "local" }));
  });
});
