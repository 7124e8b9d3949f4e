/**
 * Lexical (BM25) retrieval fused with vectors: the fusion itself, where each mode uses it
 * (with the vector side blinded, what is found can only come from the index), degradation
 * when the index fails, and the switch that turns it off.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { defaultFlags } from "../../src/flags/names";
import { reciprocalRankFusion } from "../../src/rag/query/fusion";
import { QUERY_DEFAULTS, type QueryMode, type QueryParams } from "../../src/rag/query/params";
import { retrieve } from "../../src/rag/query/retrieve";
import { PhaseTimer } from "../../src/rag/query/timings";
import { loadTokenizer, type Tokenizer } from "../../src/rag/query/tokens";
import type { QueryDeps } from "../../src/rag/query/types";
import { createServices } from "../../src/runtime";
import type { VectorNamespace } from "../../src/storage/vectors";
import { seedCorpus } from "./corpus";

const WS = "q_lexical";
let tokenizer: Tokenizer;

beforeAll(async () => {
  await seedCorpus(WS);
  tokenizer = await loadTokenizer();
}, 60_000);

function queryDeps(vars: Record<string, string> = {}): QueryDeps {
  const config = loadConfig({ ...env, ...vars }).config;
  if (!config) throw new Error("test config invalid");
  return createServices(env, config, defaultFlags(config)).query;
}

/** The deps with the vector index answering nothing for `blind` namespaces. */
function blinded(deps: QueryDeps, blind: VectorNamespace[]): QueryDeps {
  const vectors = Object.create(deps.vectors) as QueryDeps["vectors"];
  vectors.query = (ws, namespace, vector, options) =>
    blind.includes(namespace) ? Promise.resolve([]) : deps.vectors.query(ws, namespace, vector, options);
  return { ...deps, vectors };
}

function params(mode: QueryMode, patch: Partial<QueryParams> = {}): QueryParams {
  return {
    ...QUERY_DEFAULTS,
    mode,
    onlyNeedContext: true,
    onlyNeedPrompt: false,
    stream: false,
    hlKeywords: [],
    llKeywords: [],
    conversationHistory: [],
    userPrompt: "",
    enableRerank: false,
    includeReferences: true,
    includeChunkContent: true,
    ...patch,
  };
}

const run = (
  deps: QueryDeps,
  mode: QueryMode,
  query: string,
  low: string[] = [],
  high: string[] = [],
  timer?: PhaseTimer,
) =>
  retrieve(deps, { workspace: WS, query, params: params(mode), keywords: { low, high }, tokenizer, timer });

describe("reciprocal-rank fusion", () => {
  it("sums 1/(k + rank) over the lists; ties keep first appearance", () => {
    expect(
      reciprocalRankFusion(
        [
          ["a", "b", "c"],
          ["c", "a"],
        ],
        (x) => x,
      ),
    ).toEqual(["a", "c", "b"]);
    expect(
      reciprocalRankFusion(
        [
          ["a", "b"],
          ["c", "d"],
        ],
        (x) => x,
      ),
    ).toEqual(["a", "c", "b", "d"]);
    expect(reciprocalRankFusion([["a", "b"], []], (x) => x)).toEqual(["a", "b"]);
    expect(reciprocalRankFusion([[], []], (x) => x)).toEqual([]);
    // Ranked third by both beats first by one at k = 60; a tiny k lets the single top win.
    expect(
      reciprocalRankFusion(
        [
          ["x", "a", "y"],
          ["z", "b", "y"],
        ],
        (v) => v,
      ),
    ).toEqual(["y", "x", "z", "a", "b"]);
    expect(
      reciprocalRankFusion(
        [
          ["x", "a", "y"],
          ["z", "b", "y"],
        ],
        (v) => v,
        0.1,
      )[0],
    ).toBe("x");
  });
});

describe("lexical retrieval in each mode", () => {
  it("naive and mix: chunks the vectors miss are found by their words", async () => {
    const deps = blinded(queryDeps(), ["chunks", "entities", "relations"]);
    const naive = await run(deps, "naive", "Does rain fall in November?");
    expect(naive?.chunks.map((c) => c.id)).toEqual(["weather-chunk-000"]);
    const mix = await run(deps, "mix", "Does rain fall in November?", ["Cambridge"]);
    expect(mix?.chunks.map((c) => c.id)[0]).toBe("weather-chunk-000");
    expect(mix?.entities.map((e) => e.name)).toContain("Babbage Labs");
  });

  it("local: entities by name and description words; global: relations by keywords", async () => {
    const deps = blinded(queryDeps(), ["chunks", "entities", "relations"]);
    const local = await run(deps, "local", "Who leads the lab?", ["Charles Babbage"]);
    expect(local?.entities.map((e) => e.name)[0]).toBe("Charles Babbage");
    const global = await run(deps, "global", "Which partnerships exist?", [], ["collaboration"]);
    expect(global?.relations.map((r) => `${r.src}|${r.tgt}`)).toEqual(["Acme Corporation|Babbage Labs"]);
    const hybrid = await run(deps, "hybrid", "Lab partners", ["Charles Babbage"], ["collaboration"]);
    expect(hybrid?.entities.map((e) => e.name)).toContain("Charles Babbage");
    expect(hybrid?.relations.map((r) => `${r.src}|${r.tgt}`)).toContain("Acme Corporation|Babbage Labs");
  });

  it("LEXICAL_SEARCH_ENABLED=false retrieves by vectors alone", async () => {
    expect(queryDeps().lexical).toBeDefined();
    const off = queryDeps({ LEXICAL_SEARCH_ENABLED: "false" });
    expect(off.lexical).toBeUndefined();
    expect(
      await run(blinded(off, ["chunks", "entities", "relations"]), "naive", "rain in November"),
    ).toBeNull();
  });

  it("a failing index degrades to vectors alone and is marked in Server-Timing", async () => {
    const deps = queryDeps();
    const broken: QueryDeps = {
      ...deps,
      lexical: {
        search: () => Promise.reject(new Error("no such table: chunks_fts")),
        rebuild: () => Promise.reject(new Error("unused")),
      },
    };
    const timer = new PhaseTimer();
    const result = await run(broken, "mix", "What is the weather in Paris?", ["Paris"], [], timer);
    expect(result?.chunks.map((c) => c.id)).toContain("weather-chunk-000");
    expect(timer.list().map((p) => p.name)).toContain("lexical_failed");
  });

  it("fused lists keep top_k: the graph look-up grows no larger", async () => {
    const deps = queryDeps();
    const result = await retrieve(deps, {
      workspace: WS,
      query: "Babbage Acme London Paris",
      params: params("local", { topK: 2 }),
      keywords: { low: ["Babbage Acme London Paris Ada"], high: [] },
      tokenizer,
    });
    expect(result?.entities.length).toBeLessThanOrEqual(2);
  });
});
