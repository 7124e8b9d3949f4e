/** The offline providers: deterministic, similarity-preserving embeddings and role-shaped answers. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { createProviders } from "../../src/providers";
import { hashEmbedding, LocalEmbeddingClient } from "../../src/providers/local-embedding";
import { LocalLlmClient } from "../../src/providers/local-llm";
import type { LlmRequest } from "../../src/providers/types";

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

function request(role: LlmRequest["role"], user: string, system?: string): LlmRequest {
  return { role, system, messages: [{ role: "user", content: user }], workspace: "ws" };
}

describe("local embedding", () => {
  it("is deterministic, unit length and of the configured dimension", async () => {
    const client = new LocalEmbeddingClient(128);
    const [a, b] = await client.embed({
      texts: ["Graph retrieval at the edge", "Graph retrieval at the edge"],
      workspace: "w",
    });
    expect(a).toHaveLength(128);
    expect(Array.from(a ?? [])).toEqual(Array.from(b ?? []));
    expect(cosine(a as Float32Array, a as Float32Array)).toBeCloseTo(1, 5);
  });

  it("scores similar texts far above unrelated ones", () => {
    const query = hashEmbedding("Who founded the Acme Corporation?", 384);
    const related = hashEmbedding("The Acme Corporation was founded by Ada Lovelace in 1843.", 384);
    const unrelated = hashEmbedding("Rainfall in the Amazon basin peaks between December and May.", 384);
    expect(cosine(query, related)).toBeGreaterThan(0.3);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.25);
  });

  it("gives an empty text a unit vector", () => {
    expect(cosine(hashEmbedding("", 64), hashEmbedding("", 64))).toBeCloseTo(1, 5);
  });
});

describe("local llm", () => {
  const llm = new LocalLlmClient();

  it("answers extraction with only the completion delimiter", async () => {
    expect((await llm.complete(request("extract", "---Input Text---\nAda met Bob."))).text).toBe(
      "<|COMPLETE|>",
    );
  });

  it("returns LightRAG keyword JSON for the query in the prompt", async () => {
    const prompt =
      "---Real Data---\nUser Query: How does Ada Lovelace relate to the Analytical Engine?\nOutput:";
    const response = await llm.complete({ ...request("keyword", prompt), json: true });
    const keywords = JSON.parse(response.text) as {
      high_level_keywords: string[];
      low_level_keywords: string[];
    };
    expect(keywords.low_level_keywords).toContain("Ada Lovelace");
    expect(keywords.low_level_keywords).toContain("analytical");
    expect(keywords.high_level_keywords.length).toBeGreaterThan(0);
    expect(response.usage.promptTokens).toBeGreaterThan(0);
  });

  it("answers from the most relevant context sentences with citations", async () => {
    const system = [
      "---Context---",
      '{"reference_id": "1", "content": "The Analytical Engine was designed by Charles Babbage. It was never built."}',
      '{"reference_id": "2", "content": "Paris is the capital of France."}',
      "Reference Document List:",
      "[1] babbage.md",
      "[2] france.md",
    ].join("\n");
    const response = await llm.complete(request("query", "Who designed the Analytical Engine?", system));
    expect(response.text).toContain("designed by Charles Babbage. [1]");
    expect(response.text).not.toContain("Paris");
    expect(response.text).toContain("- [1] babbage.md");
  });

  it("joins <SEP>-merged descriptions as readable sentences, never leaking the separator", async () => {
    const system = [
      "---Context---",
      '{"entity": "Ada Lovelace", "type": "person", "description": "Ada Lovelace wrote the first program<SEP>Ada Lovelace worked with Charles Babbage", "reference_id": "1"}',
      "Reference Document List:",
      "[1] ada.md",
    ].join("\n");
    const response = await llm.complete(
      request("query", "What did Ada Lovelace write and who did she work with?", system),
    );
    expect(response.text).not.toContain("<SEP>");
    expect(response.text).toContain("Ada Lovelace wrote the first program. [1]");
    expect(response.text).toContain("Ada Lovelace worked with Charles Babbage. [1]");
    const summary = await llm.complete(
      request("summary", '{"description": "Ada is a mathematician<SEP>She wrote notes."}'),
    );
    expect(summary.text).toBe("Ada is a mathematician. She wrote notes.");
  });

  it("returns LightRAG's fail response when nothing matches", async () => {
    const response = await llm.complete(
      request("query", "quantum chromodynamics", '{"content": "Cats sleep a lot."}'),
    );
    expect(response.text).toContain("[no-context]");
  });

  it("merges and trims description summaries", async () => {
    const prompt =
      '{"description": "Ada is a mathematician."}\n{"description": "Ada is a mathematician. She wrote notes."}';
    const response = await llm.complete(request("summary", prompt));
    expect(response.text).toBe("Ada is a mathematician. She wrote notes.");
    const short = await llm.complete({ ...request("summary", prompt), maxTokens: 6 });
    expect(short.text).toBe("Ada is a mathematician.");
  });

  it("streams the same text in several deltas", async () => {
    const req = request("query", "Who designed it?", '{"reference_id":"1","content":"Babbage designed it."}');
    const parts: string[] = [];
    for await (const part of llm.stream(req)) parts.push(part);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join("")).toBe((await llm.complete(req)).text);
  });
});

describe("createProviders", () => {
  it("defaults to the local providers and memoises per env", () => {
    const { config } = loadConfig(env);
    if (!config) throw new Error("config invalid");
    const first = createProviders(env, config);
    expect(first.embeddings.dimension).toBe(384);
    expect(createProviders(env, config)).toBe(first);
  });
});
