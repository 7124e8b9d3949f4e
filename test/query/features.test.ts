/** Answer features: references, context and prompt only, response type, user prompt, history, budgets, validation. */
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRequestSchema } from "../../src/http/routes/query-request";
import { loadTokenizer, type Tokenizer } from "../../src/rag/query/tokens";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { seedCorpus } from "./corpus";
import { post, queryData } from "./helpers";

const WS = "q_features";
let tokenizer: Tokenizer;

beforeAll(async () => {
  await seedCorpus(WS);
  tokenizer = await loadTokenizer();
}, 60_000);

interface Answer {
  response: string;
  references: { reference_id: string; file_path: string; content?: string[] }[] | null;
}

async function ask(body: Record<string, unknown>): Promise<Answer> {
  const response = await post("/query", body, WS);
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

const GLOBAL = {
  query: "Which partnerships exist?",
  mode: "global",
  hl_keywords: ["partnership, collaboration"],
  top_k: 1,
};

/** JSON lines inside the fenced block that follows `heading` in a context. */
function section(context: string, heading: string): string[] {
  const after = context.split(heading)[1] ?? "";
  const block = after.split("```json\n")[1]?.split("\n```")[0] ?? "";
  return block.split("\n").filter((line) => line.startsWith("{"));
}

describe("references", () => {
  it("are numbered by citation count and match the chunks' files", async () => {
    const answer = await ask(GLOBAL);
    expect(answer.references).toEqual([
      { reference_id: "1", file_path: "acme.md" },
      { reference_id: "2", file_path: "babbage.md" },
    ]);
  });

  it("carry the chunk texts with include_chunk_content", async () => {
    const answer = await ask({ ...GLOBAL, include_chunk_content: true });
    const acme = answer.references?.find((ref) => ref.file_path === "acme.md");
    expect(acme?.content?.sort()).toEqual([
      "Acme Corporation partnered with Babbage Labs to build the difference engine.",
      "Acme Corporation was founded by Ada Lovelace in London. Acme builds analytical engines.",
    ]);
  });

  it("are null with include_references=false", async () => {
    expect((await ask({ ...GLOBAL, include_references: false })).references).toBeNull();
  });
});

describe("only_need_context and only_need_prompt", () => {
  it("only_need_context returns LightRAG's four-section context", async () => {
    const { response } = await ask({ ...GLOBAL, only_need_context: true });
    expect(response).toContain("Knowledge Graph Data (Entity):");
    expect(response).toContain("Knowledge Graph Data (Relationship):");
    expect(response).toContain("Document Chunks");
    expect(response).toContain("[1] acme.md\n[2] babbage.md");
    expect(section(response, "(Relationship):").map((line) => JSON.parse(line))).toEqual([
      {
        entity1: "Acme Corporation",
        entity2: "Babbage Labs",
        description: "Acme Corporation partnered with Babbage Labs on the difference engine.",
      },
    ]);
  });

  it("naive context has only chunks and references", async () => {
    const { response } = await ask({
      query: "weather in Paris",
      mode: "naive",
      chunk_top_k: 1,
      only_need_context: true,
    });
    expect(response).not.toContain("Knowledge Graph Data");
    expect(response).toContain('{"reference_id":"1","content":"The weather in Paris');
  });

  it("only_need_prompt returns the system prompt, the marker and the query", async () => {
    const { response } = await ask({
      ...GLOBAL,
      only_need_prompt: true,
      response_type: "Bullet Points",
      user_prompt: "Answer like a pirate.",
    });
    expect(response).toContain('"Bullet Points"');
    expect(response).toContain("---Additional Instructions---\nAnswer like a pirate.");
    expect(response).toContain("---Context---");
    expect(response.endsWith("\n\n---User Query---\n\nWhich partnerships exist?")).toBe(true);
  });

  it("without a user prompt the instructions say n/a", async () => {
    const { response } = await ask({ ...GLOBAL, only_need_prompt: true });
    expect(response).toContain("---Additional Instructions---\nn/a");
    expect(response).toContain('"Multiple Paragraphs"');
  });
});

describe("answers", () => {
  it("cite the references of the chunks they use", async () => {
    const { response } = await ask({
      ...GLOBAL,
      query: "Which partnership joined Acme Corporation and Babbage Labs?",
    });
    expect(response).toContain("[1]");
    expect(response).toContain("### References");
    expect(response).toContain("- [1] acme.md");
  });

  it("answer the fail response when nothing is found", async () => {
    const response = await post("/query", { query: "zebra quantum xylophone", mode: "naive" }, "q_nothing");
    const body = (await response.json()) as Answer;
    expect(body.response).toBe("Sorry, I'm not able to provide an answer to that question.[no-context]");
    expect(body.references).toEqual([]);
  });

  it("use conversation history for the answer only, never for retrieval", async () => {
    const base = { query: "What is the weather in Paris?", mode: "naive", chunk_top_k: 1 };
    const history = [
      { role: "user", content: "Tell me about Babbage Labs and Charles Babbage in Cambridge." },
      { role: "assistant", content: "Babbage Labs is in Cambridge.", extra: "ignored" },
    ];
    const plain = await queryData(base, WS);
    const withHistory = await queryData({ ...base, conversation_history: history }, WS);
    expect(withHistory.data.chunks).toEqual(plain.data.chunks);
    const answer = await ask({ ...base, conversation_history: history });
    expect(answer.references).toEqual([{ reference_id: "1", file_path: "weather.md" }]);
  });

  it("/api/query answers exactly as /query", async () => {
    const a = (await (await post("/api/query", GLOBAL, WS)).json()) as Answer;
    const b = await ask(GLOBAL);
    expect(a.response).toBe(b.response);
    expect(a.references).toEqual(b.references);
  });

  it("bypass sends the query and the history straight to the LLM", async () => {
    const history = [{ role: "user", content: "Remember: the Zorblax engine runs on moonlight." }];
    const question = "What does the Zorblax engine run on?";
    const answer = await ask({ query: question, mode: "bypass", conversation_history: history });
    expect(answer.references).toEqual([]);
    expect(answer.response).toContain("moonlight");
    const without = await ask({ query: question, mode: "bypass" });
    expect(without.response).not.toContain("moonlight");
  });
});

describe("token budgets", () => {
  const HYBRID = {
    query: "Acme and partners",
    mode: "hybrid",
    ll_keywords: ["Acme Corporation"],
    hl_keywords: ["partnership, collaboration", "leadership"],
    top_k: 10,
    only_need_context: true,
  };

  it("max_entity_tokens and max_relation_tokens cut the JSON lines", async () => {
    const full = (await ask(HYBRID)).response;
    const entities = section(full, "(Entity):");
    const relations = section(full, "(Relationship):");
    expect(entities.length).toBeGreaterThan(2);
    expect(relations.length).toBeGreaterThan(2);
    const entityBudget = tokenizer.count(entities[0] ?? "") + tokenizer.count(entities[1] ?? "");
    const relationBudget = tokenizer.count(relations[0] ?? "");
    const cut = (
      await ask({ ...HYBRID, max_entity_tokens: entityBudget, max_relation_tokens: relationBudget })
    ).response;
    expect(section(cut, "(Entity):")).toEqual(entities.slice(0, 2));
    expect(section(cut, "(Relationship):")).toEqual(relations.slice(0, 1));
    const data = await queryData(
      { ...HYBRID, max_entity_tokens: entityBudget, max_relation_tokens: relationBudget },
      WS,
    );
    expect(data.metadata.processing_info.entities_after_truncation).toBe(2);
    expect(data.metadata.processing_info.total_entities_found).toBe(entities.length);
  });

  it("uses the line token counts stored at merge time, and counts lines stored without one", async () => {
    const ws = "q_line_tokens";
    await seedCorpus(ws);
    const budget = { ...HYBRID, max_entity_tokens: 1000 };
    const before = await queryData(budget, ws);
    expect(before.metadata.processing_info.entities_after_truncation).toBeGreaterThan(1);
    // A stored count is trusted as is: an absurd one on the first entity cuts every entity.
    const first = before.data.entities[0]?.entity_name as string;
    await env.DB.prepare("UPDATE entities SET line_tokens = 5000 WHERE workspace = ?1 AND name = ?2")
      .bind(ws, first)
      .run();
    await invalidateGraphIndex(env.GRAPH_INDEX, ws);
    const after = await queryData(budget, ws);
    expect(after.metadata.processing_info.entities_after_truncation).toBe(0);
    expect(after.metadata.processing_info.total_entities_found).toBe(
      before.metadata.processing_info.total_entities_found,
    );
  });

  it("max_total_tokens leaves room for chunks only after prompt, graph, query and buffer", async () => {
    const roomy = await queryData(HYBRID, WS);
    expect(roomy.data.chunks.length).toBe(3);
    // With no room at all, the prompt holds everything but chunks: that is what the budget is spent on.
    const bare = await ask({
      ...HYBRID,
      only_need_context: false,
      only_need_prompt: true,
      max_total_tokens: 1,
    });
    expect(bare.references).toEqual([]);
    const fixed = tokenizer.count(bare.response) + 200;
    expect((await queryData({ ...HYBRID, max_total_tokens: fixed }, WS)).data.chunks).toEqual([]);
    let previous = 0;
    for (const room of [15, 25, 40, 80]) {
      const data = await queryData({ ...HYBRID, max_total_tokens: fixed + room }, WS);
      const used = data.data.chunks.reduce((n, c) => n + tokenizer.count(c.content), 0);
      // A few tokens of slack: the "---User Query---" marker is in the prompt but not in the budget.
      expect(used).toBeLessThanOrEqual(room + 10);
      expect(data.data.chunks.length).toBeGreaterThanOrEqual(previous);
      previous = data.data.chunks.length;
    }
    expect(previous).toBe(3);
  });

  it("top_k and chunk_top_k bound the candidates", async () => {
    const data = await queryData({ query: "Acme Corporation engines", mode: "naive", chunk_top_k: 2 }, WS);
    expect(data.data.chunks.length).toBeLessThanOrEqual(2);
  });
});

describe("request validation", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["a query under 3 characters", { query: "  hi  " }],
    ["a missing query", { mode: "mix" }],
    ["an unknown mode", { query: "hello world", mode: "fast" }],
    ["top_k of 0", { query: "hello world", top_k: 0 }],
    ["top_k over 1000", { query: "hello world", top_k: 1001 }],
    ["a string top_k", { query: "hello world", top_k: "5" }],
    ["too many keywords", { query: "hello world", ll_keywords: Array.from({ length: 65 }, () => "k") }],
    ["a history message without content", { query: "hello world", conversation_history: [{ role: "user" }] }],
    ["an empty response_type", { query: "hello world", response_type: "" }],
  ];
  for (const [name, body] of cases) {
    it(`422 for ${name}`, async () => {
      const response = await post("/query", body, WS);
      expect(response.status).toBe(422);
      const envelope = (await response.json()) as { error: { code: string; details: unknown[] } };
      expect(envelope.error.code).toBe("validation_error");
      expect(envelope.error.details.length).toBeGreaterThan(0);
    });
  }

  it("accepts every LightRAG mode and our `ppr`; mix stays the default", () => {
    for (const mode of ["local", "global", "hybrid", "naive", "mix", "bypass", "ppr"])
      expect(queryRequestSchema.parse({ query: "hello world", mode }).mode).toBe(mode);
    expect(queryRequestSchema.parse({ query: "hello world" }).mode).toBe("mix");
    expect(queryRequestSchema.safeParse({ query: "hello world", mode: "PPR" }).success).toBe(false);
  });

  it("400 for malformed JSON", async () => {
    const response = await SELF.fetch("https://example.com/query", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"query": "hello world",',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
  });

  it("ignores unknown fields such as the WebUI's history_turns", async () => {
    const response = await post("/query", { ...GLOBAL, history_turns: 3, something: { else: true } }, WS);
    expect(response.status).toBe(200);
  });
});
