/** Failover chains and circuit breakers against the stub server over real HTTP. */
import { describe, expect, it } from "vitest";
import { toAppError } from "../../src/http/error-handler";
import type { ResilientLlmClient } from "../../src/providers/chain";
import { LlmUnavailableError } from "../../src/providers/errors";
import type { LlmRequest } from "../../src/providers/types";
import { providersWith, StubScope, workspaceId } from "./helpers";

function queryRequest(workspace: string): LlmRequest {
  return {
    role: "query",
    system:
      '---Context---\n{"reference_id": "1", "content": "Charles Babbage designed the Analytical Engine."}',
    messages: [{ role: "user", content: "Who designed the Analytical Engine?" }],
    workspace,
  };
}

function chain(primary: StubScope, fallback: StubScope, vars: Record<string, string> = {}) {
  return providersWith({
    LLM_BINDING: "openai",
    LLM_MODEL: "gpt-primary",
    LLM_BINDING_HOST: primary.v1,
    LLM_BINDING_API_KEY: "sk-primary",
    LLM_FALLBACKS: `anthropic|claude-fallback|${fallback.base}`,
    ANTHROPIC_API_KEY: "sk-ant-fallback",
    LLM_MAX_RETRIES: "0",
    ENABLE_LLM_CACHE: "false",
    ...vars,
  });
}

describe("failover chain", () => {
  it("answers from the second provider when the first fails", async () => {
    const primary = new StubScope("fo-primary");
    const fallback = new StubScope("fo-fallback");
    await primary.faults({ kind: "500", times: 5 });
    const { llm } = chain(primary, fallback);
    const response = await llm.complete(queryRequest(workspaceId("fo")));
    expect(response.provider).toBe("anthropic");
    expect(response.model).toBe("claude-fallback");
    expect(response.text).toContain("Charles Babbage designed the Analytical Engine. [1]");
    expect(await primary.requests()).toHaveLength(1);
    expect(await fallback.requests()).toMatchObject([
      { path: "/v1/messages", model: "claude-fallback", authorized: true },
    ]);
  });

  it("fails over on a Retry-After longer than LLM_RETRY_MAX_MS instead of waiting", async () => {
    const primary = new StubScope("fo-long");
    const fallback = new StubScope("fo-long-fb");
    await primary.faults({ kind: "429", retryAfter: 120 });
    const { llm } = chain(primary, fallback, { LLM_MAX_RETRIES: "3", LLM_RETRY_MAX_MS: "2000" });
    const started = Date.now();
    const response = await llm.complete(queryRequest(workspaceId("fo-long")));
    expect(response.provider).toBe("anthropic");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("names every provider and status when the whole chain fails", async () => {
    const primary = new StubScope("fo-all");
    const fallback = new StubScope("fo-all-fb");
    await primary.faults({ kind: "502", times: 5 });
    await fallback.faults({ kind: "529", times: 5 });
    const { llm } = chain(primary, fallback);
    const error = await llm.complete(queryRequest(workspaceId("fo-all"))).catch((e: unknown) => e);
    // A domain error; the error handler answers it as 503 (test/foundation/domain-errors.test.ts).
    expect(error).toBeInstanceOf(LlmUnavailableError);
    if (!(error instanceof LlmUnavailableError)) return;
    expect(toAppError(error).status).toBe(503);
    expect(error.message).toBe("LLM providers unavailable (openai 502; anthropic 529)");
    expect(error.attempts).toEqual([
      { provider: "openai", model: "gpt-primary", kind: "http", status: 502 },
      { provider: "anthropic", model: "claude-fallback", kind: "http", status: 529 },
    ]);
    expect(error.message).not.toMatch(/sk-/);
  });

  it("uses per-role overrides: QUERY_ settings replace the base LLM for queries only", async () => {
    const base = new StubScope("role-base");
    const queryHost = new StubScope("role-query");
    const { llm } = providersWith({
      LLM_BINDING: "openai",
      LLM_BINDING_HOST: base.v1,
      LLM_BINDING_API_KEY: "k",
      QUERY_LLM_BINDING: "anthropic",
      QUERY_LLM_MODEL: "claude-query",
      QUERY_LLM_BINDING_HOST: queryHost.base,
      QUERY_LLM_BINDING_API_KEY: "k2",
      ENABLE_LLM_CACHE: "false",
      ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    });
    const answer = await llm.complete(queryRequest(workspaceId("role")));
    expect(answer).toMatchObject({ provider: "anthropic", model: "claude-query" });
    const extraction = await llm.complete({
      role: "extract",
      messages: [{ role: "user", content: "---Input Text---\nAda met Bob." }],
      workspace: "w",
    });
    expect(extraction).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
  });
});

describe("circuit breaker", () => {
  it("opens after repeated failures, skips the provider, and closes after a good trial", async () => {
    const primary = new StubScope("cb-primary");
    const fallback = new StubScope("cb-fallback");
    await primary.faults({ kind: "500", times: 2 });
    const { llm } = chain(primary, fallback, { LLM_BREAKER_THRESHOLD: "2", LLM_BREAKER_COOLDOWN: "0.4" });
    const status = () => (llm as ResilientLlmClient).status().chains.query?.[0]?.circuit;

    for (let i = 0; i < 2; i++) expect((await llm.complete(queryRequest("cb"))).provider).toBe("anthropic");
    expect(status()).toBe("open");
    expect(await primary.requests()).toHaveLength(2);

    // Open: the primary is not even called.
    expect((await llm.complete(queryRequest("cb"))).provider).toBe("anthropic");
    expect(await primary.requests()).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(status()).toBe("half_open");
    // The trial call reaches the (now healthy) primary and closes the circuit.
    expect((await llm.complete(queryRequest("cb"))).provider).toBe("openai");
    expect(status()).toBe("closed");
    expect(await primary.requests()).toHaveLength(3);
  });

  it("re-opens when the half-open trial fails", async () => {
    const primary = new StubScope("cb-reopen");
    const fallback = new StubScope("cb-reopen-fb");
    await primary.faults({ kind: "503", times: 3 });
    const { llm } = chain(primary, fallback, { LLM_BREAKER_THRESHOLD: "2", LLM_BREAKER_COOLDOWN: "0.2" });
    const status = () => (llm as ResilientLlmClient).status().chains.query?.[0]?.circuit;
    await llm.complete(queryRequest("cb2"));
    await llm.complete(queryRequest("cb2"));
    expect(status()).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await llm.complete(queryRequest("cb2"))).provider).toBe("anthropic");
    expect(status()).toBe("open");
    expect(await primary.requests()).toHaveLength(3);
  });

  it("does not count a 400 (the request's fault) against the provider", async () => {
    const primary = new StubScope("cb-400");
    const fallback = new StubScope("cb-400-fb");
    await primary.faults({ kind: "400", times: 3 });
    const { llm } = chain(primary, fallback, { LLM_BREAKER_THRESHOLD: "2" });
    for (let i = 0; i < 3; i++) await llm.complete(queryRequest("cb3"));
    expect((llm as ResilientLlmClient).status().chains.query?.[0]?.circuit).toBe("closed");
  });
});
