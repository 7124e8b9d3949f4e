/** Embedding providers against the stub over real HTTP: OpenAI, Azure and Ollama, batching and failures. */
import { describe, expect, it } from "vitest";
import { providersWith, StubScope, workspaceId } from "./helpers";

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

describe("embedding providers over the stub", () => {
  it("openai: batches by EMBEDDING_BATCH_NUM, keeps order, sends dimensions", async () => {
    const scope = new StubScope("emb-openai");
    const { embeddings } = providersWith({
      EMBEDDING_BINDING: "openai",
      EMBEDDING_MODEL: "text-embedding-3-small",
      EMBEDDING_BINDING_HOST: scope.v1,
      EMBEDDING_BINDING_API_KEY: "k",
      EMBEDDING_DIM: "32",
      EMBEDDING_SEND_DIM: "true",
      EMBEDDING_BATCH_NUM: "2",
    });
    const texts = ["graph retrieval", "vector search", "graph retrieval", "cooking pasta", "graph retrieval"];
    const vectors = await embeddings.embed({ texts, workspace: workspaceId("e") });
    expect(vectors).toHaveLength(5);
    expect(vectors.every((v) => v.length === 32)).toBe(true);
    expect(cosine(vectors[0] as Float32Array, vectors[2] as Float32Array)).toBeCloseTo(1, 5);
    expect(cosine(vectors[0] as Float32Array, vectors[4] as Float32Array)).toBeCloseTo(1, 5);
    const requests = await scope.requests();
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.path === "/v1/embeddings" && r.authorized)).toBe(true);
  });

  it("azure_openai: uses the deployment URL and the Azure key", async () => {
    const scope = new StubScope("emb-azure");
    const { embeddings } = providersWith({
      EMBEDDING_BINDING: "azure_openai",
      EMBEDDING_MODEL: "embed-deploy",
      AZURE_OPENAI_ENDPOINT: scope.base,
      AZURE_OPENAI_API_KEY: "az",
      EMBEDDING_DIM: "384",
    });
    await embeddings.embed({ texts: ["x"], workspace: "w" });
    expect(await scope.requests()).toMatchObject([
      { path: "/openai/deployments/embed-deploy/embeddings", authorized: true },
    ]);
  });

  it("ollama: calls /api/embed without a key", async () => {
    const scope = new StubScope("emb-ollama");
    const { embeddings } = providersWith({
      EMBEDDING_BINDING: "ollama",
      EMBEDDING_MODEL: "bge-m3",
      EMBEDDING_BINDING_HOST: scope.base,
      EMBEDDING_DIM: "384",
    });
    const [vector] = await embeddings.embed({ texts: ["hello"], workspace: "w" });
    expect(vector).toHaveLength(384);
    expect(await scope.requests()).toMatchObject([{ path: "/api/embed", model: "bge-m3" }]);
  });

  it("retries a 429 and reports a vector count mismatch as malformed", async () => {
    const scope = new StubScope("emb-faults");
    await scope.faults({ kind: "429", retryAfter: 0 }, { kind: "malformed", times: 3 });
    const { embeddings } = providersWith({
      EMBEDDING_BINDING: "openai",
      EMBEDDING_MODEL: "m",
      EMBEDDING_BINDING_HOST: scope.v1,
      EMBEDDING_BINDING_API_KEY: "k",
      EMBEDDING_DIM: "384",
    });
    const error = await embeddings.embed({ texts: ["a", "b"], workspace: "w" }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("Embedding providers unavailable (openai malformed)");
    expect((await scope.requests()).map((r) => r.fault)).toEqual(["429", "malformed"]);
  });
});

describe("anthropic over the stub", () => {
  it("sends the key in x-api-key, asks for JSON through the system prompt, and reads usage", async () => {
    const scope = new StubScope("anthropic");
    const { llm } = providersWith({
      LLM_BINDING: "anthropic",
      LLM_MODEL: "claude-test",
      LLM_BINDING_HOST: scope.base,
      LLM_BINDING_API_KEY: "ant",
      ENABLE_LLM_CACHE: "false",
    });
    const response = await llm.complete({
      role: "keyword",
      json: true,
      messages: [{ role: "user", content: "User Query: What did Grace Hopper build?" }],
      workspace: "w",
    });
    expect(JSON.parse(response.text).low_level_keywords).toContain("Grace Hopper");
    expect(response.usage.promptTokens).toBeGreaterThan(0);
    expect(await scope.requests()).toMatchObject([
      { path: "/v1/messages", model: "claude-test", authorized: true },
    ]);
  });
});
