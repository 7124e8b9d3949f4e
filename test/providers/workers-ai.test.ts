/** Workers AI through the `AI` binding, mocked with vi.spyOn (there is no local simulator). */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LlmRequest } from "../../src/providers/types";
import { providersWith, workspaceId } from "./helpers";

afterEach(() => vi.restoreAllMocks());

type Run = (
  model: string,
  inputs: Record<string, unknown>,
  options?: Record<string, unknown>,
) => Promise<unknown>;

function spyRun(impl: Run) {
  return vi.spyOn(env.AI as unknown as { run: Run }, "run").mockImplementation(impl);
}

const request: LlmRequest = {
  role: "query",
  system: "Answer from the context.",
  messages: [{ role: "user", content: "Who designed the engine?" }],
  workspace: "w",
};

function sse(lines: string[]): ReadableStream<Uint8Array> {
  const body = lines.map((line) => `data: ${line}\n\n`).join("");
  return new Response(body).body as ReadableStream<Uint8Array>;
}

describe("workers-ai", () => {
  it("sends chat messages to the configured model and reads the answer and usage", async () => {
    const run = spyRun(async () => ({
      response: "Babbage.",
      usage: { prompt_tokens: 12, completion_tokens: 3 },
    }));
    const { llm } = providersWith({
      LLM_BINDING: "workers-ai",
      ENABLE_LLM_CACHE: "false",
      AI_GATEWAY_ID: "gw",
    });
    const response = await llm.complete(request);
    expect(response).toMatchObject({
      text: "Babbage.",
      provider: "workers-ai",
      model: "@cf/meta/llama-3.1-8b-instruct",
    });
    expect(response.usage).toEqual({ promptTokens: 12, completionTokens: 3 });
    const [model, inputs, options] = run.mock.calls[0] ?? [];
    expect(model).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(inputs).toMatchObject({
      stream: false,
      messages: [
        { role: "system", content: "Answer from the context." },
        { role: "user", content: "Who designed the engine?" },
      ],
    });
    expect(options).toEqual({ gateway: { id: "gw" } });
  });

  it("asks for a JSON object in keyword calls and serialises an object answer", async () => {
    const run = spyRun(async () => ({
      response: { high_level_keywords: ["design"], low_level_keywords: ["engine"] },
    }));
    const { llm } = providersWith({ LLM_BINDING: "workers-ai", ENABLE_LLM_CACHE: "false" });
    const response = await llm.complete({ ...request, role: "keyword", json: true });
    expect(JSON.parse(response.text)).toEqual({
      high_level_keywords: ["design"],
      low_level_keywords: ["engine"],
    });
    expect(run.mock.calls[0]?.[1]).toMatchObject({ response_format: { type: "json_object" } });
  });

  it("retries capacity errors (3040) and then succeeds", async () => {
    let calls = 0;
    spyRun(async () => {
      calls++;
      if (calls === 1) throw new Error("3040: Capacity temporarily exceeded, please try again.");
      return { response: "ok" };
    });
    const { llm } = providersWith({ LLM_BINDING: "workers-ai", ENABLE_LLM_CACHE: "false" });
    expect((await llm.complete(request)).text).toBe("ok");
    expect(calls).toBe(2);
  });

  it("does not retry invalid input errors", async () => {
    const run = spyRun(async () => {
      throw new Error("5006: Invalid input");
    });
    const { llm } = providersWith({ LLM_BINDING: "workers-ai", ENABLE_LLM_CACHE: "false" });
    const error = await llm.complete(request).catch((e: unknown) => e);
    expect((error as Error).message).toContain("workers-ai 400");
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("streams the binding's server-sent events", async () => {
    spyRun(async (_model, inputs) => {
      expect(inputs.stream).toBe(true);
      return sse([
        '{"response":"Charles "}',
        '{"response":"Babbage."}',
        '{"response":"","usage":{"prompt_tokens":9,"completion_tokens":2}}',
        "[DONE]",
      ]);
    });
    const { llm } = providersWith({ LLM_BINDING: "workers-ai", ENABLE_LLM_CACHE: "false" });
    const parts: string[] = [];
    for await (const part of llm.stream(request)) parts.push(part);
    expect(parts).toEqual(["Charles ", "Babbage."]);
  });

  it("embeds with bge in batches of EMBEDDING_BATCH_NUM and checks the dimension", async () => {
    const run = spyRun(async (model, inputs) => {
      expect(model).toBe("@cf/baai/bge-base-en-v1.5");
      const texts = inputs.text as string[];
      return {
        shape: [texts.length, 768],
        data: texts.map((_, i) => Array.from({ length: 768 }, () => i + 1)),
      };
    });
    const { embeddings } = providersWith({
      EMBEDDING_BINDING: "workers-ai",
      EMBEDDING_DIM: "768",
      EMBEDDING_BATCH_NUM: "2",
    });
    expect(embeddings).toMatchObject({ model: "@cf/baai/bge-base-en-v1.5", dimension: 768 });
    const vectors = await embeddings.embed({ texts: ["a", "b", "c"], workspace: workspaceId("emb") });
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
    expect(vectors[2]?.[0]).toBe(1);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("caps Workers AI embedding batches at 100 texts", async () => {
    const sizes: number[] = [];
    spyRun(async (_model, inputs) => {
      const texts = inputs.text as string[];
      sizes.push(texts.length);
      return { data: texts.map(() => Array.from({ length: 768 }, () => 0.5)) };
    });
    const { embeddings } = providersWith({
      EMBEDDING_BINDING: "workers-ai",
      EMBEDDING_DIM: "768",
      EMBEDDING_BATCH_NUM: "500",
    });
    await embeddings.embed({ texts: Array.from({ length: 250 }, (_, i) => `t${i}`), workspace: "w" });
    expect(sizes).toEqual([100, 100, 50]);
  });

  it("refuses vectors whose dimension differs from EMBEDDING_DIM", async () => {
    spyRun(async (_model, inputs) => ({ data: (inputs.text as string[]).map(() => [0.1, 0.2]) }));
    const { embeddings } = providersWith({ EMBEDDING_BINDING: "workers-ai", EMBEDDING_DIM: "768" });
    const error = await embeddings.embed({ texts: ["a"], workspace: "w" }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("Embedding providers unavailable (workers-ai malformed)");
  });
});
