/** The graph read API over HTTP: KnowledgeGraph shape, BFS by degree, labels, existence. */
import { beforeAll, describe, expect, it } from "vitest";
import { seedCorpus } from "./corpus";
import { get } from "./helpers";

const WS = "q_graph";

beforeAll(async () => {
  await seedCorpus(WS);
}, 60_000);

interface KnowledgeGraph {
  nodes: { id: string; labels: string[]; properties: Record<string, unknown> }[];
  edges: { id: string; type: string; source: string; target: string; properties: Record<string, unknown> }[];
  is_truncated: boolean;
}

async function json<T>(path: string, workspace = WS): Promise<T> {
  const response = await get(path, workspace);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

describe("GET /graphs", () => {
  it("returns LightRAG's KnowledgeGraph around a label", async () => {
    const graph = await json<KnowledgeGraph>("/graphs?label=Ada%20Lovelace&max_depth=1");
    expect(graph.nodes.map((n) => n.id)).toEqual(["Ada Lovelace", "Acme Corporation"]);
    expect(graph.nodes[0]).toEqual({
      id: "Ada Lovelace",
      labels: ["Ada Lovelace"],
      properties: {
        entity_id: "Ada Lovelace",
        entity_type: "person",
        description: "Ada Lovelace founded Acme Corporation in London.",
        source_id: "acme-chunk-000",
        file_path: "acme.md",
        created_at: 1_700_000_000,
      },
    });
    expect(graph.edges).toEqual([
      {
        id: "Acme Corporation-Ada Lovelace",
        type: "DIRECTED",
        source: "Acme Corporation",
        target: "Ada Lovelace",
        properties: {
          weight: 2,
          description: "Ada Lovelace founded Acme Corporation.",
          keywords: "founding, leadership",
          source_id: "acme-chunk-000",
          file_path: "acme.md",
          created_at: 1_700_000_000,
        },
      },
    ]);
    expect(graph.is_truncated).toBe(false);
  });

  it("walks breadth first, higher degree first within a level, and says when max_nodes cut it", async () => {
    const graph = await json<KnowledgeGraph>("/graphs?label=Ada%20Lovelace&max_depth=3");
    // Depth 1: Acme; depth 2: Babbage Labs (degree 2) before London (degree 1); depth 3: Charles Babbage.
    expect(graph.nodes.map((n) => n.id)).toEqual([
      "Ada Lovelace",
      "Acme Corporation",
      "Babbage Labs",
      "London",
      "Charles Babbage",
    ]);
    expect(graph.edges).toHaveLength(4);
    const cut = await json<KnowledgeGraph>("/graphs?label=Ada%20Lovelace&max_depth=3&max_nodes=3");
    expect(cut.nodes.map((n) => n.id)).toEqual(["Ada Lovelace", "Acme Corporation", "Babbage Labs"]);
    expect(cut.is_truncated).toBe(true);
    for (const edge of cut.edges) {
      expect(edge.source <= edge.target).toBe(true);
      expect(cut.nodes.some((n) => n.id === edge.source) && cut.nodes.some((n) => n.id === edge.target)).toBe(
        true,
      );
    }
  });

  it('"*" starts from the highest-degree nodes', async () => {
    const graph = await json<KnowledgeGraph>("/graphs?label=*&max_nodes=2");
    expect(graph.nodes.map((n) => n.id)).toEqual(["Acme Corporation", "Babbage Labs"]);
    expect(graph.is_truncated).toBe(true);
  });

  it("an unknown label gives an empty graph", async () => {
    expect(await json<KnowledgeGraph>("/graphs?label=Nobody")).toEqual({
      nodes: [],
      edges: [],
      is_truncated: false,
    });
  });

  it("422 without a label or with an out-of-range depth", async () => {
    expect((await get("/graphs", WS)).status).toBe(422);
    expect((await get("/graphs?label=Paris&max_depth=0", WS)).status).toBe(422);
    expect((await get("/graphs?label=Paris&max_nodes=abc", WS)).status).toBe(422);
  });
});

describe("labels and existence", () => {
  it("lists every label, sorted", async () => {
    expect(await json<string[]>("/graph/label/list")).toEqual([
      "Acme Corporation",
      "Ada Lovelace",
      "Babbage Labs",
      "Charles Babbage",
      "London",
      "Paris",
    ]);
  });

  it("popular labels by degree, with a limit", async () => {
    expect(await json<string[]>("/graph/label/popular?limit=2")).toEqual([
      "Acme Corporation",
      "Babbage Labs",
    ]);
    expect((await get("/graph/label/popular?limit=0", WS)).status).toBe(422);
    expect((await get("/graph/label/popular?limit=1001", WS)).status).toBe(422);
  });

  it("search: exact match, then prefix, then contains", async () => {
    expect(await json<string[]>("/graph/label/search?q=babbage")).toEqual([
      "Babbage Labs",
      "Charles Babbage",
    ]);
    expect(await json<string[]>("/graph/label/search?q=london")).toEqual(["London"]);
    expect((await get("/graph/label/search", WS)).status).toBe(422);
    expect((await get("/graph/label/search?q=a&limit=101", WS)).status).toBe(422);
  });

  it("search: CJK and LIKE metacharacters in q are plain text (17 CJK characters once gave 500)", async () => {
    expect(await json<string[]>(`/graph/label/search?q=${encodeURIComponent("東".repeat(17))}`)).toEqual([]);
    expect(await json<string[]>(`/graph/label/search?q=${encodeURIComponent("%_\\")}`)).toEqual([]);
  });

  it("422 with the envelope for a q, label or name longer than an entity name can be (256)", async () => {
    const long = encodeURIComponent("東".repeat(257));
    for (const path of [
      `/graph/label/search?q=${long}`,
      `/graphs?label=${long}`,
      `/graph/entity/exists?name=${long}`,
    ]) {
      const response = await get(path, WS);
      expect(response.status, path).toBe(422);
      const body = (await response.json()) as { error: { code: string; details: { field: string }[] } };
      expect(body.error.code).toBe("validation_error");
      expect(body.error.details[0]?.field).toMatch(/^(q|label|name)$/);
    }
    expect(await json<string[]>(`/graph/label/search?q=${encodeURIComponent("x".repeat(256))}`)).toEqual([]);
  });

  it("entity exists", async () => {
    expect(await json<{ exists: boolean }>("/graph/entity/exists?name=Paris")).toEqual({ exists: true });
    expect(await json<{ exists: boolean }>("/graph/entity/exists?name=Rome")).toEqual({ exists: false });
  });

  it("never crosses workspaces", async () => {
    expect(await json<string[]>("/graph/label/list", "q_graph_other")).toEqual([]);
    expect(await json<{ exists: boolean }>("/graph/entity/exists?name=Paris", "q_graph_other")).toEqual({
      exists: false,
    });
  });
});
