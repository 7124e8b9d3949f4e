/**
 * Ingest and query through the engine with VECTOR_BACKEND=vectorize over the in-repo fake,
 * whose writes show only after a delay: the pipeline must not read its own vector writes.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { retrieveForQuery } from "../../src/rag/query/engine";
import { QUERY_DEFAULTS, type QueryParams } from "../../src/rag/query/params";
import type { QueryDeps } from "../../src/rag/query/types";
import type { RagDeps } from "../../src/rag/types";
import { D1GraphSearchStore } from "../../src/storage/d1/graph-search";
import { createD1Stores } from "../../src/storage/d1/stores";
import { VectorizeVectorStore } from "../../src/storage/vectorize/store";
import { fakeVectorizeIndexes } from "../fakes/vectorize";
import { deps, ingest, inProcessCoordinator } from "./engine-helpers";

const WS = "vz_engine";

const params = (overrides: Partial<QueryParams>): QueryParams => ({
  mode: "naive",
  onlyNeedContext: false,
  onlyNeedPrompt: false,
  ...QUERY_DEFAULTS,
  stream: false,
  hlKeywords: [],
  llKeywords: [],
  conversationHistory: [],
  userPrompt: "",
  enableRerank: false,
  includeReferences: true,
  includeChunkContent: false,
  ...overrides,
});

describe("engine over Vectorize (fake, 20 ms visibility delay)", { timeout: 60_000 }, () => {
  it("ingests, then answers /query/data's retrieval once the writes are visible", async () => {
    const { indexes, fakes } = fakeVectorizeIndexes({ dimensions: 384, delayMs: 20 });
    const vectors = new VectorizeVectorStore(indexes, { pollMs: 2, settleTimeoutMs: 10_000 });
    const base = deps();
    const stores = createD1Stores(env.DB, vectors, async () => {});
    const d: RagDeps = { ...base, stores };
    await ingest(
      d,
      WS,
      [
        { text: "Ada Lovelace worked with Charles Babbage in London.", source: "ada.txt" },
        {
          text: "The Eiffel Tower stands in Paris. Gustave Eiffel built the Eiffel Tower.",
          source: "paris.txt",
        },
      ],
      2,
      inProcessCoordinator(d),
    );
    await vectors.settle();
    expect(fakes.chunks.pendingCount).toBe(0);
    expect(await vectors.count(WS, "chunks")).toBe(2);
    expect(await vectors.count(WS, "entities")).toBeGreaterThan(0);

    const query: QueryDeps = {
      graphSearch: new D1GraphSearchStore(env.DB),
      chunks: stores.chunks,
      vectors,
      llm: base.llm,
      embeddings: base.embeddings,
    };
    const naive = await retrieveForQuery(
      query,
      WS,
      "Where does the Eiffel Tower stand?",
      params({ chunkTopK: 1 }),
    );
    expect(naive.retrieval?.chunks.map((chunk) => chunk.filePath)).toEqual(["paris.txt"]);
    const local = await retrieveForQuery(
      query,
      WS,
      "Who is Charles Babbage?",
      params({ mode: "local", llKeywords: ["Charles Babbage"], topK: 1 }),
    );
    expect(local.retrieval?.entities.map((entity) => entity.name)).toEqual(["Charles Babbage"]);
  });
});
