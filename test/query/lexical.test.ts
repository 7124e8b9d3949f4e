/**
 * Lexical (BM25) retrieval fused with vectors: the fusion itself, where each mode uses it
 * (with the vector side blinded, what is found can only come from the index), degradation
 * when the index fails, and the switch that turns it off.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { defaultFlags } from "../../src/flags/names";
import { QUERY_DEFAULTS, type QueryMode, type QueryParams } from "../../src/rag/query/params";
import { retrieve } from "../../src/rag/query/retrieve";
import { PhaseTimer } from "../../src/rag/query/timings";
import { loadTokenizer, type Tokenizer } from "../../src/rag/query/tokens";
import type { QueryDeps } from "../../src/rag/query/types";
import { createServices } from "../../src/runtime";
import { reciprocalRankFusion } from "../../src/storage/fusion";
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

/** Questions of every graph mode with their keywords (low, high). */
const GRAPH_QUESTIONS: [QueryMode, string, string[], string[]][] = [
  ["local", "Who leads the lab?", ["Charles Babbage", "lab"], []],
  ["global", "Which partnerships exist?", [], ["collaboration", "partnership"]],
  ["hybrid", "Lab partners in London", ["Charles Babbage"], ["collaboration"]],
  ["mix", "Does rain fall in November in Cambridge?", ["Cambridge", "rain"], ["weather"]],
  ["mix", "Acme Corporation London office", ["Acme Corporation", "London"], ["headquarters"]],
];

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
    const graphSearch = deps.graphSearch;
    const broken: QueryDeps = {
      ...deps,
      // The graph index cannot rank in its look-up either, so the separate search runs and fails.
      graphSearch: {
        lookup: (ws, request) => graphSearch.lookup(ws, request),
        lookupFused: async () => null,
      },
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

  it("BM25 riding on the graph index's look-up retrieves exactly what a separate search and look-up do, in one round trip fewer", async () => {
    const { env: testEnv } = await import("cloudflare:test");
    const { graphIndexOf } = await import("../../src/storage/graph-index/store");
    const deps = queryDeps();
    expect(deps.graphSearch.lookupFused).toBeDefined();
    await graphIndexOf(testEnv.GRAPH_INDEX, WS).rebuild(WS);
    const graphSearch = deps.graphSearch;
    const separate: QueryDeps = {
      ...deps,
      graphSearch: { lookup: (ws, request) => graphSearch.lookup(ws, request) },
    };
    for (const [mode, query, low, high] of GRAPH_QUESTIONS) {
      for (const blind of [[], ["chunks", "entities", "relations"]] as VectorNamespace[][]) {
        const timer = new PhaseTimer();
        const fused = await run(blinded(deps, blind), mode, query, low, high, timer);
        const split = await run(blinded(separate, blind), mode, query, low, high);
        expect(fused, `${mode}: ${query}`).toEqual(split);
        const phases = timer.list().map((p) => p.name);
        expect(phases).toContain("graph");
        expect(phases).not.toContain("graph_from_d1");
        expect(phases).not.toContain("lexical");
      }
    }
    // With the vectors blinded, what mix finds can only have come from the fused BM25 hits.
    const blindMix = await run(
      blinded(deps, ["chunks", "entities", "relations"]),
      "mix",
      "Does rain fall in November?",
      ["Cambridge"],
    );
    expect(blindMix?.chunks.map((c) => c.id)[0]).toBe("weather-chunk-000");
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
