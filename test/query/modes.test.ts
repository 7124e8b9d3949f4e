/** Every LightRAG mode over HTTP on a corpus whose graph is known (real D1 and vector index). */
import { beforeAll, describe, expect, it } from "vitest";
import { loadTokenizer } from "../../src/rag/query/tokens";
import { seedCorpus } from "./corpus";
import { post, queryData } from "./helpers";

const WS = "q_modes";

beforeAll(async () => {
  await seedCorpus(WS);
  // The encoder is built once per isolate (about 0.5 s of CPU, more on a busy machine).
  await loadTokenizer();
}, 60_000);

const names = (answer: Awaited<ReturnType<typeof queryData>>) =>
  answer.data.entities.map((e) => e.entity_name);
const pairs = (answer: Awaited<ReturnType<typeof queryData>>) =>
  answer.data.relationships.map((r) => `${r.src_id}|${r.tgt_id}`);
const chunkIds = (answer: Awaited<ReturnType<typeof queryData>>) => answer.data.chunks.map((c) => c.chunk_id);

describe("query modes (/query/data)", () => {
  it("local: the entity nearest to the low-level keywords, all its edges, its chunks", async () => {
    const answer = await queryData(
      { query: "Who is Ada Lovelace?", mode: "local", ll_keywords: ["Ada Lovelace"], top_k: 1 },
      WS,
    );
    expect(answer.status).toBe("success");
    expect(names(answer)).toEqual(["Ada Lovelace"]);
    expect(pairs(answer)).toEqual(["Acme Corporation|Ada Lovelace"]);
    expect(chunkIds(answer)).toEqual(["acme-chunk-000"]);
    expect(answer.data.references).toEqual([{ reference_id: "1", file_path: "acme.md" }]);
    expect(answer.metadata.keywords).toEqual({ high_level: [], low_level: ["Ada Lovelace"] });
  });

  it("local: edges are ranked by edge degree, then weight", async () => {
    const answer = await queryData(
      { query: "What is Acme Corporation?", mode: "local", ll_keywords: ["Acme Corporation"], top_k: 1 },
      WS,
    );
    expect(names(answer)).toEqual(["Acme Corporation"]);
    // Degrees: Acme 3, Babbage Labs 2, Ada 1, London 1 -> Babbage edge (5) first, then Ada (4, weight 2), London (4, weight 1).
    expect(pairs(answer)).toEqual([
      "Acme Corporation|Babbage Labs",
      "Acme Corporation|Ada Lovelace",
      "Acme Corporation|London",
    ]);
  });

  it("global: the relation nearest to the high-level keywords and its endpoints", async () => {
    const answer = await queryData(
      {
        query: "Which partnerships exist?",
        mode: "global",
        hl_keywords: ["partnership, collaboration"],
        top_k: 1,
      },
      WS,
    );
    expect(pairs(answer)).toEqual(["Acme Corporation|Babbage Labs"]);
    expect(names(answer)).toEqual(["Acme Corporation", "Babbage Labs"]);
    expect(new Set(chunkIds(answer))).toEqual(
      new Set(["acme-chunk-000", "acme-chunk-001", "babbage-chunk-000"]),
    );
    // acme.md backs two chunks, babbage.md one: most cited first.
    expect(answer.data.references).toEqual([
      { reference_id: "1", file_path: "acme.md" },
      { reference_id: "2", file_path: "babbage.md" },
    ]);
    for (const chunk of answer.data.chunks) {
      const expected = chunk.file_path === "acme.md" ? "1" : "2";
      expect(chunk.reference_id).toBe(expected);
    }
  });

  it("hybrid: local and global merged round-robin without duplicates", async () => {
    const answer = await queryData(
      {
        query: "Ada Lovelace and partnerships",
        mode: "hybrid",
        ll_keywords: ["Ada Lovelace"],
        hl_keywords: ["partnership, collaboration"],
        top_k: 1,
      },
      WS,
    );
    // local [Ada], global [Acme, Babbage] -> Ada, Acme, Babbage.
    expect(names(answer)).toEqual(["Ada Lovelace", "Acme Corporation", "Babbage Labs"]);
    // local [Acme|Ada], global [Acme|Babbage].
    expect(pairs(answer)).toEqual(["Acme Corporation|Ada Lovelace", "Acme Corporation|Babbage Labs"]);
    expect(answer.metadata.processing_info.total_entities_found).toBe(3);
  });

  it("naive: chunk vectors only, no graph", async () => {
    const answer = await queryData(
      { query: "What is the weather in Paris?", mode: "naive", chunk_top_k: 1 },
      WS,
    );
    expect(names(answer)).toEqual([]);
    expect(pairs(answer)).toEqual([]);
    expect(chunkIds(answer)).toEqual(["weather-chunk-000"]);
    expect(answer.data.references).toEqual([{ reference_id: "1", file_path: "weather.md" }]);
  });

  it("mix: graph results plus the chunks nearest to the raw query, vector chunks first", async () => {
    const answer = await queryData(
      {
        query: "What is the weather in Paris?",
        mode: "mix",
        ll_keywords: ["Ada Lovelace"],
        top_k: 1,
        chunk_top_k: 5,
      },
      WS,
    );
    expect(names(answer)).toEqual(["Ada Lovelace"]);
    expect(chunkIds(answer)[0]).toBe("weather-chunk-000");
    expect(chunkIds(answer)).toContain("acme-chunk-000");
  });

  it("ppr (our extension): chunks two hops away through the graph, ranked by Personalized PageRank", async () => {
    const body = { query: "Charles Babbage", ll_keywords: ["Charles Babbage"], top_k: 1, chunk_top_k: 10 };
    const ppr = await queryData({ ...body, mode: "ppr" }, WS);
    expect(ppr.status).toBe("success");
    // Charles Babbage -> his chunk; -> Babbage Labs (hop 1) -> its other chunk (hop 2).
    expect(chunkIds(ppr).slice(0, 2)).toEqual(["babbage-chunk-000", "acme-chunk-001"]);
    // The graph half is hybrid's: the matched entity and its edges go into the context.
    expect(names(ppr)).toEqual(["Charles Babbage"]);
    expect(pairs(ppr)).toEqual(["Babbage Labs|Charles Babbage"]);
    // local stops at the matched entity's own chunks.
    const local = await queryData({ ...body, mode: "local" }, WS);
    expect(chunkIds(local)).toEqual(["babbage-chunk-000"]);
  });

  it("ppr is bounded by chunk_top_k", async () => {
    const answer = await queryData(
      { query: "Acme Corporation", ll_keywords: ["Acme Corporation"], mode: "ppr", chunk_top_k: 1 },
      WS,
    );
    expect(chunkIds(answer)).toHaveLength(1);
  });

  it("keywords come from the keyword LLM when none are given", async () => {
    const answer = await queryData({ query: "Who founded Acme Corporation?", mode: "local", top_k: 2 }, WS);
    expect(answer.metadata.keywords.low_level).toContain("Acme Corporation");
    expect(names(answer)).toContain("Acme Corporation");
  });

  it("bypass retrieves nothing", async () => {
    const answer = await queryData({ query: "Hello there", mode: "bypass" }, WS);
    expect(answer.status).toBe("success");
    expect(answer.data).toEqual({ entities: [], relationships: [], chunks: [], references: [] });
  });

  it("reports failure when nothing matches", async () => {
    const answer = await queryData({ query: "zebra quantum xylophone", mode: "naive" }, "q_empty");
    expect(answer.status).toBe("failure");
    expect(answer.message).toBe("Query returned no results");
    expect(answer.data).toEqual({});
  });

  it("entity and relation fields follow LightRAG's names", async () => {
    const answer = await queryData(
      { query: "Ada?", mode: "local", ll_keywords: ["Ada Lovelace"], top_k: 1 },
      WS,
    );
    expect(answer.data.entities[0]).toEqual({
      entity_name: "Ada Lovelace",
      entity_type: "person",
      description: "Ada Lovelace founded Acme Corporation in London.",
      source_id: "acme-chunk-000",
      file_path: "acme.md",
      created_at: "2023-11-14 22:13:20",
    });
    expect(answer.data.relationships[0]).toMatchObject({
      src_id: "Acme Corporation",
      tgt_id: "Ada Lovelace",
      keywords: "founding, leadership",
      weight: 2,
    });
  });
});

describe("POST /query in every mode", () => {
  for (const mode of ["naive", "local", "global", "hybrid", "mix", "bypass", "ppr"]) {
    it(`${mode} answers with the LightRAG response shape`, async () => {
      const response = await post("/query", { query: "Who founded Acme Corporation?", mode }, WS);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        response: string;
        references: unknown[];
        response_time: number;
      };
      expect(typeof body.response).toBe("string");
      expect(body.response.length).toBeGreaterThan(0);
      expect(Array.isArray(body.references)).toBe(true);
      expect(typeof body.response_time).toBe("number");
      if (mode !== "bypass") expect(body.response).toContain("Acme");
    });
  }
});
