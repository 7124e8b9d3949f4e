/** Personalized PageRank (src/rag/query/ppr.ts) on small graphs with known answers, and the `ppr` neighbourhood. */
import { describe, expect, it } from "vitest";
import { PPR_DEFAULTS, PprGraphBuilder, personalizedPageRank, topNodes } from "../../src/rag/query/ppr";
import { pprChunks } from "../../src/rag/query/ppr-chunks";
import type { EntityRecord, RelationRecord } from "../../src/storage/graph";
import type { GraphLookup } from "../../src/storage/graph-search";
import { entityVectorId } from "../../src/storage/vector-ids";

function graphOf(edges: [string, string][], nodes: string[] = []) {
  const builder = new PprGraphBuilder();
  for (const node of nodes) builder.node(node);
  for (const [a, b] of edges) builder.edge(a, b);
  return builder.build();
}

const sum = (scores: Float64Array) => scores.reduce((total, value) => total + value, 0);

describe("personalizedPageRank", () => {
  it("two linked nodes, seed on one: 1/(1+d) and d/(1+d)", () => {
    const graph = graphOf([["a", "b"]]);
    const scores = personalizedPageRank(graph, new Map([[0, 1]]));
    expect(scores[0]).toBeCloseTo(2 / 3, 8);
    expect(scores[1]).toBeCloseTo(1 / 3, 8);
  });

  it("a path a-b-c seeded at a: 7/12, 4/12, 1/12 (solved by hand for d = 0.5)", () => {
    const graph = graphOf([
      ["a", "b"],
      ["b", "c"],
    ]);
    const scores = personalizedPageRank(graph, new Map([[0, 1]]));
    expect([...scores].map((s) => Number(s.toFixed(8)))).toEqual(
      [7 / 12, 4 / 12, 1 / 12].map((s) => Number(s.toFixed(8))),
    );
  });

  it("uses HippoRAG 2's damping 0.5 by default", () => {
    expect(PPR_DEFAULTS.damping).toBe(0.5);
    expect(PPR_DEFAULTS.passageWeight).toBe(0.05);
  });

  it("a node without edges returns its mass to the seeds; unreachable nodes score 0; the sum stays 1", () => {
    // Nodes: lonely 0, far 1, a 2, b 3. Seeds: lonely (no edges) and a, equally.
    const graph = graphOf([["a", "b"]], ["lonely", "far"]);
    const scores = personalizedPageRank(
      graph,
      new Map([
        [0, 1],
        [2, 1],
      ]),
    );
    expect(sum(scores)).toBeCloseTo(1, 10);
    expect(scores[1]).toBe(0);
    // lonely keeps what it hands back (half of it returns to it); a shares with b.
    expect(scores[0]).toBeGreaterThan(scores[3] as number);
    expect(scores[2]).toBeGreaterThan(scores[3] as number);
  });

  it("weights split the walk in proportion", () => {
    const builder = new PprGraphBuilder();
    builder.edge("s", "heavy", 3);
    builder.edge("s", "light", 1);
    const scores = personalizedPageRank(builder.build(), new Map([[0, 1]]));
    expect((scores[1] as number) / (scores[2] as number)).toBeCloseTo(3, 8);
  });

  it("no usable seed gives all zeros (seeds outside the graph, zero or negative weights ignored)", () => {
    const graph = graphOf([["a", "b"]]);
    const scores = personalizedPageRank(
      graph,
      new Map([
        [7, 1],
        [0, 0],
        [1, -2],
      ]),
    );
    expect([...scores]).toEqual([0, 0]);
  });

  it("stops after `iterations`: one step is (1-d)p + d·Pᵀp", () => {
    const graph = graphOf([["a", "b"]]);
    const scores = personalizedPageRank(graph, new Map([[0, 1]]), {
      damping: 0.5,
      iterations: 1,
      tolerance: 0,
    });
    expect([...scores]).toEqual([0.5, 0.5]);
  });

  it("is deterministic", () => {
    const edges: [string, string][] = [];
    for (let i = 0; i < 50; i++) edges.push([`n${i}`, `n${(i * 7 + 3) % 50}`], [`n${i}`, `c${i % 9}`]);
    const graph = graphOf(edges);
    const seeds = new Map([
      [0, 0.7],
      [5, 0.3],
    ]);
    expect([...personalizedPageRank(graph, seeds)]).toEqual([...personalizedPageRank(graph, seeds)]);
  });

  it("ranks the passage that connects the question's entities first, then the bridge's own passage", () => {
    // Question names A; c1 mentions A and B (the bridge); c2 is B's own page; c3 is unrelated.
    const graph = graphOf([
      ["e:A", "c:c1"],
      ["e:B", "c:c1"],
      ["e:B", "c:c2"],
      ["e:C", "c:c3"],
      ["e:A", "e:B"],
    ]);
    const scores = personalizedPageRank(graph, new Map([[0, 1]]));
    expect(topNodes(graph, scores, (id) => id.startsWith("c:"), 10).map((n) => n.id)).toEqual([
      "c:c1",
      "c:c2",
    ]);
  });
});

describe("PprGraphBuilder bounds", () => {
  it("stops adding nodes at maxNodes and edges at maxEdges", () => {
    const builder = new PprGraphBuilder(3, 2);
    expect(builder.edge("a", "b")).toBe(true);
    expect(builder.edge("a", "b")).toBe(true); // a repeat is not a new edge
    expect(builder.edge("b", "c")).toBe(true);
    expect(builder.edge("a", "c")).toBe(false); // edge cap
    expect(builder.node("d")).toBe(-1); // node cap
    expect(builder.edgeCount).toBe(2);
    expect(builder.build().ids).toEqual(["a", "b", "c"]);
  });

  it("ignores self-loops and non-positive weights", () => {
    const builder = new PprGraphBuilder();
    expect(builder.edge("a", "a")).toBe(false);
    expect(builder.edge("a", "b", 0)).toBe(false);
    expect(builder.edgeCount).toBe(0);
  });
});

describe("topNodes", () => {
  it("best score first, ties by id, zeros left out, at most `limit`", () => {
    const graph = graphOf([], ["c:b", "c:a", "c:z", "e:x"]);
    const scores = Float64Array.from([0.25, 0.25, 0, 0.5]);
    expect(topNodes(graph, scores, (id) => id.startsWith("c:"), 5)).toEqual([
      { id: "c:a", score: 0.25 },
      { id: "c:b", score: 0.25 },
    ]);
    expect(topNodes(graph, scores, () => true, 1)).toEqual([{ id: "e:x", score: 0.5 }]);
  });
});

const entity = (name: string, sources: string[]): EntityRecord => ({
  name,
  entityType: "thing",
  description: name,
  sourceId: sources.join("<SEP>"),
  filePath: "f.txt",
  createdAt: 0,
});
const relation = (src: string, tgt: string): RelationRecord => ({
  src,
  tgt,
  keywords: "",
  description: "",
  weight: 1,
  sourceId: "",
  filePath: "f.txt",
  createdAt: 0,
});

describe("pprChunks (the ppr mode's neighbourhood)", () => {
  it("reads the second hop once, for the best-connected neighbours only (at most maxNeighbours)", async () => {
    const lookups: GraphLookup[] = [];
    const graphSearch = {
      async lookup(_workspace: string, request: GraphLookup) {
        lookups.push(request);
        return {
          local: {
            entities: [entity("B", ["c2"]), entity("C", ["c3"])].map((e, key) => ({
              ...e,
              rank: 0,
              sources: [],
              key,
            })),
            relations: [relation("B", "C"), relation("B", "Z")].map((r, key) => ({
              ...r,
              rank: 0,
              sources: [],
              key: key + 2,
            })),
          },
          chunkIds: [],
        };
      },
    };
    const ids = await pprChunks({ graphSearch }, "ws", {
      entities: [entity("A", ["c1"])],
      relations: [relation("A", "B"), relation("A", "C")],
      chunkMatches: [{ id: "c9", score: 0.5 }],
      scores: new Map([[entityVectorId("A"), 0.9]]),
      maxNeighbours: 2,
      limit: 10,
    });
    expect(lookups).toEqual([{ entityVectorIds: [entityVectorId("B"), entityVectorId("C")] }]);
    // c1 is A's own chunk; c2 and c3 come through the second hop; the dense match c9 stays in.
    expect(ids[0]).toBe("c1");
    expect(new Set(ids)).toEqual(new Set(["c1", "c2", "c3", "c9"]));
  });

  it("caps the second hop and makes no extra read without neighbours", async () => {
    let calls = 0;
    const graphSearch = {
      async lookup() {
        calls++;
        return { chunkIds: [] };
      },
    };
    const ids = await pprChunks({ graphSearch }, "ws", {
      entities: [entity("A", ["c1", "c2"])],
      relations: [],
      chunkMatches: [{ id: "c2", score: 0.4 }],
      scores: new Map([[entityVectorId("A"), 0.9]]),
      maxNeighbours: 5,
      limit: 1,
    });
    expect(calls).toBe(0);
    expect(ids).toEqual(["c2"]);
  });
});
