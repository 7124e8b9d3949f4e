/**
 * The answer cache through the providers' LLM client (llm_cache in D1) with LightRAG's rules:
 * keyed by mode and every answer-changing parameter, never with conversation history, read but
 * never written by streamed answers. The query LLM is the OpenAI-compatible stub over HTTP.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalEmbeddingClient } from "../../src/providers/local-embedding";
import { runQuery } from "../../src/rag/query/engine";
import { QUERY_DEFAULTS, type QueryParams } from "../../src/rag/query/params";
import { loadTokenizer } from "../../src/rag/query/tokens";
import type { QueryDeps } from "../../src/rag/query/types";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { createD1Stores } from "../../src/storage/d1/stores";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { providersWith, StubScope } from "../providers/helpers";
import { seedCorpus } from "./corpus";

const WS = "q_cache";

const PARAMS: QueryParams = {
  mode: "global",
  onlyNeedContext: false,
  onlyNeedPrompt: false,
  ...QUERY_DEFAULTS,
  stream: false,
  topK: 1,
  hlKeywords: ["partnership, collaboration"],
  llKeywords: [],
  conversationHistory: [],
  userPrompt: "",
  enableRerank: true,
  includeReferences: true,
  includeChunkContent: false,
};

let scope: StubScope;
let deps: QueryDeps;

beforeAll(async () => {
  await seedCorpus(WS);
  await loadTokenizer();
  scope = new StubScope("answer-cache");
  const { llm } = providersWith({
    LLM_BINDING: "openai",
    LLM_MODEL: "gpt-stub",
    LLM_BINDING_HOST: scope.v1,
    LLM_BINDING_API_KEY: "sk-test-not-a-real-key-123",
  });
  const stores = createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (ws) =>
    invalidateGraphIndex(env.GRAPH_INDEX, ws),
  );
  deps = {
    graphSearch: new D1GraphSearchStore(env.DB),
    chunks: stores.chunks,
    vectors: stores.vectors,
    llm,
    embeddings: new LocalEmbeddingClient(384),
  };
}, 60_000);

async function text(response: string | AsyncIterable<string>): Promise<string> {
  if (typeof response === "string") return response;
  let out = "";
  for await (const piece of response) out += piece;
  return out;
}

async function calls(): Promise<number> {
  return (await scope.requests()).length;
}

async function queryRows(): Promise<{ id: string; cache_type: string; mode: string }[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, cache_type, mode FROM llm_cache WHERE workspace = ? AND cache_type = 'query' ORDER BY id",
  )
    .bind(WS)
    .all<{ id: string; cache_type: string; mode: string }>();
  return results;
}

describe("answer cache", () => {
  it("stores an answer under {mode}:query:{md5} and serves the same question from it", async () => {
    const question = "Which partnerships does Acme Corporation have?";
    const first = await runQuery(deps, WS, question, PARAMS);
    expect(first.cacheHit).toBe(false);
    const rows = await queryRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toMatch(/^global:query:[0-9a-f]{32}$/);
    const before = await calls();
    const second = await runQuery(deps, WS, question, PARAMS);
    expect(second.cacheHit).toBe(true);
    expect(await text(second.response)).toBe(await text(first.response));
    expect(second.references).toEqual(first.references);
    expect(await calls()).toBe(before);
  });

  it("keys on the parameters that change the answer", async () => {
    const question = "Which partnerships does Acme Corporation have?";
    const other = await runQuery(deps, WS, question, { ...PARAMS, responseType: "Bullet Points" });
    expect(other.cacheHit).toBe(false);
    const prompted = await runQuery(deps, WS, question, { ...PARAMS, userPrompt: "Be brief." });
    expect(prompted.cacheHit).toBe(false);
    const hybrid = await runQuery(deps, WS, question, { ...PARAMS, mode: "hybrid" });
    expect(hybrid.cacheHit).toBe(false);
    expect((await queryRows()).map((row) => row.mode).sort()).toEqual([
      "global",
      "global",
      "global",
      "hybrid",
    ]);
  });

  it("never caches with conversation history", async () => {
    const question = "Who partnered with Babbage Labs?";
    const history = [{ role: "user" as const, content: "We talked about engines." }];
    const before = (await queryRows()).length;
    await runQuery(deps, WS, question, { ...PARAMS, conversationHistory: history });
    const again = await runQuery(deps, WS, question, { ...PARAMS, conversationHistory: history });
    expect(again.cacheHit).toBe(false);
    expect((await queryRows()).length).toBe(before);
  });

  it("streamed answers are not written, but a cached answer is served to a stream", async () => {
    const question = "What did Acme Corporation build with Babbage Labs?";
    const before = (await queryRows()).length;
    const streamed = await runQuery(deps, WS, question, { ...PARAMS, stream: true });
    expect(typeof streamed.response).not.toBe("string");
    const streamedText = await text(streamed.response);
    expect(streamedText.length).toBeGreaterThan(0);
    expect((await queryRows()).length).toBe(before);
    const whole = await runQuery(deps, WS, question, PARAMS);
    expect(whole.cacheHit).toBe(false);
    const callsBefore = await calls();
    const fromCache = await runQuery(deps, WS, question, { ...PARAMS, stream: true });
    expect(fromCache.cacheHit).toBe(true);
    expect(streamed.cacheHit).toBe(false);
    expect(await text(fromCache.response)).toBe(await text(whole.response));
    expect(await calls()).toBe(callsBefore);
  });
});
