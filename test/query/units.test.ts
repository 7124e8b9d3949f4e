/** Pure pieces of the query engine: round-robin merge, reference numbering, keyword parsing, budgets, chunk candidates, edge ranking. */
import { describe, expect, it } from "vitest";
import type { LlmClient, LlmRequest } from "../../src/providers/types";
import { graphSearch } from "../../src/rag/query/graph-search";
import { parseKeywords, resolveKeywords } from "../../src/rag/query/keywords";
import { roundRobin } from "../../src/rag/query/merge";
import { numberReferences } from "../../src/rag/query/references";
import { itemChunks } from "../../src/rag/query/related-chunks";
import { memoCounter, truncateByTokens } from "../../src/rag/query/tokens";
import type { QueryDeps } from "../../src/rag/query/types";
import { type RelationRecord, splitSources } from "../../src/storage/graph";
import { rankedLookup } from "../../src/storage/graph-rank";

describe("roundRobin", () => {
  it("interleaves lists and keeps the first occurrence of a key", () => {
    expect(roundRobin([["a", "b", "c"], ["b", "d"], ["e"]], (x) => x)).toEqual(["a", "b", "e", "d", "c"]);
    expect(roundRobin<string>([[], []], (x) => x)).toEqual([]);
  });
});

describe("numberReferences", () => {
  it("numbers files by citation count, then first appearance; no-source chunks get an empty id", () => {
    const { references, ids } = numberReferences([
      "a.md",
      "b.md",
      "unknown_source",
      "b.md",
      "",
      "c.md",
      "a.md",
    ]);
    expect(references).toEqual([
      { reference_id: "1", file_path: "a.md" },
      { reference_id: "2", file_path: "b.md" },
      { reference_id: "3", file_path: "c.md" },
    ]);
    expect(ids).toEqual(["1", "2", "", "2", "", "3", "1"]);
  });
});

describe("keywords", () => {
  it("parses the JSON answer, with fences or prose around it", () => {
    expect(
      parseKeywords('```json\n{"high_level_keywords":["a b"],"low_level_keywords":["C", 3, ""]}\n```'),
    ).toEqual({
      high: ["a b"],
      low: ["C"],
    });
    expect(parseKeywords("no json here")).toEqual({ high: [], low: [] });
    expect(parseKeywords("{broken")).toEqual({ high: [], low: [] });
  });

  const silent: LlmClient = {
    complete: async (request: LlmRequest) => ({
      text: request.role === "keyword" ? "{}" : "",
      usage: { promptTokens: 0, completionTokens: 0 },
      provider: "test",
      model: "test",
      cached: false,
    }),
    stream: async function* () {},
  };

  it("a short query with no keywords becomes its own low-level keyword; a long one fails", async () => {
    expect(await resolveKeywords(silent, "w", "Graph RAG?", { high: [], low: [] })).toEqual({
      high: [],
      low: ["Graph RAG?"],
    });
    expect(await resolveKeywords(silent, "w", "x".repeat(60), { high: [], low: [] })).toBeNull();
  });

  it("given keywords skip the LLM", async () => {
    const never: LlmClient = { ...silent, complete: () => Promise.reject(new Error("called")) };
    expect(await resolveKeywords(never, "w", "query text", { high: ["h"], low: [] })).toEqual({
      high: ["h"],
      low: [],
    });
  });
});

describe("budgets", () => {
  it("keeps the longest prefix that fits", () => {
    const items = [3, 4, 5];
    expect(truncateByTokens(items, (n) => n, 7)).toEqual([3, 4]);
    expect(truncateByTokens(items, (n) => n, 2)).toEqual([]);
    expect(truncateByTokens(items, (n) => n, 0)).toEqual([]);
    expect(truncateByTokens(items, (n) => n, 100)).toEqual(items);
  });

  it("memoises counts of repeated texts", () => {
    let calls = 0;
    const counter = memoCounter({
      count: (text) => {
        calls++;
        return text.length;
      },
    });
    expect(counter.count("memo-test-line")).toBe(14);
    expect(counter.count("memo-test-line")).toBe(14);
    expect(calls).toBe(1);
  });
});

describe("candidate chunks", () => {
  it("splits <SEP> sources and counts a chunk once, for the first item naming it, most cited first", () => {
    expect(splitSources("c1<SEP>c2<SEP>")).toEqual(["c1", "c2"]);
    const sources = [
      ["c1", "c2", "c3"],
      ["c2", "c4"],
      ["c5", "c4", "c6"],
    ];
    expect(itemChunks(sources, new Set())).toEqual([["c2", "c1", "c3"], ["c4"], ["c5", "c6"]]);
    expect(itemChunks(sources, new Set(["c2"]))).toEqual([["c1", "c3"], ["c4"], ["c5", "c6"]]);
  });
});

describe("graph search edge ranking", () => {
  const edge = (src: string, tgt: string): RelationRecord => ({
    src,
    tgt,
    keywords: "",
    description: "",
    weight: 1,
    sourceId: "",
    filePath: "",
    createdAt: 0,
  });
  // The port promises no edge order (D1's UNION happens to sort, Postgres's json_agg need not):
  // equal (rank, weight) must not keep whatever order the store returned.
  const rankedFrom = async (edges: RelationRecord[]) => {
    const deps = {
      vectors: { query: async () => [{ id: "ent-hub", score: 1 }] },
      graphSearch: {
        lookup: async () => rankedLookup({ local: { entities: [], edges, degrees: new Map([["Hub", 3]]) } }),
      },
    } as unknown as QueryDeps;
    const { local } = await graphSearch(
      deps,
      "ws",
      { low: Float32Array.from([1]) },
      { topK: 5, threshold: 0 },
    );
    return local.relations.map((r) => `${r.src}|${r.tgt}`);
  };

  it("breaks ties of edge degree and weight by the edge's endpoints, whatever the store's order", async () => {
    const edges = [edge("Hub", "Zeta"), edge("Alpha", "Hub"), edge("Hub", "Mu")];
    const expected = ["Alpha|Hub", "Hub|Mu", "Hub|Zeta"];
    expect(await rankedFrom(edges)).toEqual(expected);
    expect(await rankedFrom([...edges].reverse())).toEqual(expected);
  });
});
