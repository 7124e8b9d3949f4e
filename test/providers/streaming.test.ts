/** Streaming through each HTTP provider of the stub, failover before the first byte, and cut streams. */
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/providers/errors";
import type { LlmClient, LlmRequest } from "../../src/providers/types";
import { providersWith, StubScope, workspaceId } from "./helpers";

const CONTEXT = [
  '{"reference_id": "1", "content": "Charles Babbage designed the Analytical Engine. Ada Lovelace wrote its first program."}',
  '{"reference_id": "2", "content": "Paris is the capital of France."}',
].join("\n");

function queryRequest(workspace: string): LlmRequest {
  return {
    role: "query",
    system: `---Context---\n${CONTEXT}`,
    messages: [{ role: "user", content: "Who wrote the first program for the Analytical Engine?" }],
    workspace,
  };
}

async function collect(llm: LlmClient, request: LlmRequest): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of llm.stream(request)) parts.push(part);
  return parts;
}

const bindings: [string, (scope: StubScope) => Record<string, string>][] = [
  ["openai", (s) => ({ LLM_BINDING: "openai", LLM_BINDING_HOST: s.v1, LLM_BINDING_API_KEY: "k" })],
  ["anthropic", (s) => ({ LLM_BINDING: "anthropic", LLM_BINDING_HOST: s.base, ANTHROPIC_API_KEY: "k" })],
  ["ollama", (s) => ({ LLM_BINDING: "ollama", LLM_BINDING_HOST: s.base })],
  [
    "azure_openai",
    (s) => ({
      LLM_BINDING: "azure_openai",
      AZURE_OPENAI_ENDPOINT: s.base,
      AZURE_OPENAI_API_KEY: "k",
      LLM_MODEL: "dep",
    }),
  ],
];

describe("streaming", () => {
  for (const [name, vars] of bindings) {
    it(`streams ${name} deltas that add up to the complete answer`, async () => {
      const scope = new StubScope(`stream-${name}`);
      const { llm } = providersWith({ ...vars(scope), ENABLE_LLM_CACHE: "false" });
      const parts = await collect(llm, queryRequest(workspaceId("st")));
      const whole = await llm.complete(queryRequest(workspaceId("st")));
      expect(parts.length).toBeGreaterThan(3);
      expect(parts.join("")).toBe(whole.text);
      expect(whole.text).toContain("Ada Lovelace wrote its first program. [1]");
      expect((await scope.requests()).map((r) => r.stream)).toEqual([true, false]);
    });
  }

  it("retries and fails over before the first byte", async () => {
    const primary = new StubScope("stream-fo");
    const fallback = new StubScope("stream-fo-fb");
    await primary.faults({ kind: "500", times: 5 });
    const { llm } = providersWith({
      LLM_BINDING: "openai",
      LLM_BINDING_HOST: primary.v1,
      LLM_BINDING_API_KEY: "k",
      LLM_FALLBACKS: `anthropic|claude-x|${fallback.base}`,
      ANTHROPIC_API_KEY: "k",
      LLM_MAX_RETRIES: "1",
      ENABLE_LLM_CACHE: "false",
    });
    const parts = await collect(llm, queryRequest(workspaceId("st-fo")));
    expect(parts.join("")).toContain("Ada Lovelace");
    expect(await primary.requests()).toHaveLength(2);
    expect(await fallback.requests()).toMatchObject([{ stream: true }]);
  });

  it("ends with a provider error when the connection drops mid-stream, keeping what was sent", async () => {
    const scope = new StubScope("stream-cut");
    await scope.faults({ kind: "stream_cut" });
    const { llm } = providersWith({
      LLM_BINDING: "openai",
      LLM_BINDING_HOST: scope.v1,
      LLM_BINDING_API_KEY: "k",
      ENABLE_LLM_CACHE: "false",
    });
    const parts: string[] = [];
    const error = await (async () => {
      for await (const part of llm.stream(queryRequest(workspaceId("cut")))) parts.push(part);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toBe("openai: network");
    expect(parts).toHaveLength(2);
    // No failover after text was sent: one request only.
    expect(await scope.requests()).toHaveLength(1);
  });

  it("lets a consumer stop early and frees the concurrency slot", async () => {
    const scope = new StubScope("stream-stop");
    const { llm } = providersWith({
      LLM_BINDING: "openai",
      LLM_BINDING_HOST: scope.v1,
      LLM_BINDING_API_KEY: "k",
      LLM_MAX_ASYNC: "1",
      ENABLE_LLM_CACHE: "false",
    });
    for await (const _ of llm.stream(queryRequest("stop"))) break;
    // With one slot, this would hang if the early exit had leaked it.
    const response = await llm.complete(queryRequest("stop"));
    expect(response.text).toContain("Ada Lovelace");
  });
});
