/** The OpenAI-compatible provider against the stub server over real HTTP: success, retries, timeouts, bad output. */
import { describe, expect, it } from "vitest";
import { LlmUnavailableError } from "../../src/providers/errors";
import type { LlmRequest } from "../../src/providers/types";
import { extractionPrompt, providersWith, StubScope, workspaceId } from "./helpers";

function extractRequest(
  workspace: string,
  text = "Ada Lovelace worked with Charles Babbage in London.",
): LlmRequest {
  const { system, user } = extractionPrompt(text);
  return { role: "extract", system, messages: [{ role: "user", content: user }], workspace };
}

function openai(scope: StubScope, vars: Record<string, string> = {}) {
  return providersWith({
    LLM_BINDING: "openai",
    LLM_MODEL: "gpt-stub",
    LLM_BINDING_HOST: scope.v1,
    LLM_BINDING_API_KEY: "sk-test-not-a-real-key-123",
    ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    ...vars,
  });
}

describe("openai provider over the stub", () => {
  it("returns LightRAG extraction records with the provider's token usage", async () => {
    const scope = new StubScope("ok");
    const { llm } = openai(scope);
    const response = await llm.complete(extractRequest(workspaceId("ok")));
    expect(response.provider).toBe("openai");
    expect(response.model).toBe("gpt-stub");
    expect(response.cached).toBe(false);
    expect(response.text).toContain("entity<|#|>Ada Lovelace<|#|>Person<|#|>");
    expect(response.text).toContain("relation<|#|>Ada Lovelace<|#|>Charles Babbage<|#|>");
    expect(response.text.trim().endsWith("<|COMPLETE|>")).toBe(true);
    expect(response.usage.promptTokens).toBeGreaterThan(0);
    expect(response.usage.completionTokens).toBeGreaterThan(0);
    const requests = await scope.requests();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ path: "/v1/chat/completions", model: "gpt-stub", authorized: true });
  });

  it("answers keyword prompts with LightRAG keyword JSON in JSON mode", async () => {
    const scope = new StubScope("kw");
    const { llm } = openai(scope);
    const response = await llm.complete({
      role: "keyword",
      json: true,
      messages: [
        { role: "user", content: "User Query: How did Ada Lovelace describe the Analytical Engine?" },
      ],
      workspace: workspaceId("kw"),
    });
    const parsed = JSON.parse(response.text) as Record<string, string[]>;
    expect(parsed.low_level_keywords).toContain("Ada Lovelace");
    expect(parsed.high_level_keywords?.length).toBeGreaterThan(0);
  });

  it("waits for Retry-After on a 429 and then succeeds", async () => {
    const scope = new StubScope("429");
    await scope.faults({ kind: "429", retryAfter: 1 });
    const { llm } = openai(scope);
    const started = Date.now();
    const response = await llm.complete(extractRequest(workspaceId("r429")));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(response.text).toContain("<|COMPLETE|>");
    expect((await scope.requests()).map((r) => r.fault ?? "ok")).toEqual(["429", "ok"]);
  });

  it("retries a 500 and succeeds", async () => {
    const scope = new StubScope("500");
    await scope.faults({ kind: "500" });
    const { llm } = openai(scope);
    const response = await llm.complete(extractRequest(workspaceId("r500")));
    expect(response.text).toContain("entity<|#|>");
    expect((await scope.requests()).map((r) => r.fault ?? "ok")).toEqual(["500", "ok"]);
  });

  it("never retries other 4xx and names provider and status, not the key", async () => {
    const scope = new StubScope("400");
    await scope.faults({ kind: "400", times: 5 });
    const { llm } = openai(scope);
    const error = await llm.complete(extractRequest(workspaceId("r400"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain("openai 400");
    expect(message).not.toContain("sk-test");
    expect(JSON.stringify((error as LlmUnavailableError).attempts)).not.toContain("sk-test");
    expect(await scope.requests()).toHaveLength(1);
  });

  it("gives up after the retries when the provider keeps failing", async () => {
    const scope = new StubScope("503s");
    await scope.faults({ kind: "503", times: 10 });
    const { llm } = openai(scope, { LLM_MAX_RETRIES: "2" });
    const error = await llm.complete(extractRequest(workspaceId("r503"))).catch((e: unknown) => e);
    expect((error as Error).message).toContain("openai 503");
    expect(await scope.requests()).toHaveLength(3);
  });

  it("abandons a hung call at LLM_TIMEOUT and retries it", async () => {
    const scope = new StubScope("hang");
    await scope.faults({ kind: "hang" });
    const { llm } = openai(scope, { LLM_TIMEOUT: "0.3" });
    const started = Date.now();
    const response = await llm.complete(extractRequest(workspaceId("hang")));
    expect(response.text).toContain("<|COMPLETE|>");
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect((await scope.requests()).map((r) => r.fault ?? "ok")).toEqual(["hang", "ok"]);
  });

  it("reports a timeout when every attempt hangs", async () => {
    const scope = new StubScope("hang-all");
    await scope.faults({ kind: "hang", times: 5 });
    const { llm } = openai(scope, { LLM_TIMEOUT: "0.2", LLM_MAX_RETRIES: "1" });
    const started = Date.now();
    const error = await llm.complete(extractRequest(workspaceId("hang2"))).catch((e: unknown) => e);
    expect((error as Error).message).toContain("openai timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("stops waiting when the caller aborts", async () => {
    const scope = new StubScope("abort");
    await scope.faults({ kind: "hang" });
    const { llm } = openai(scope);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("client went away")), 100);
    const error = await llm
      .complete({ ...extractRequest(workspaceId("abort")), signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("client went away");
  });

  it("treats a body that is not JSON as malformed, without retrying", async () => {
    const scope = new StubScope("badjson");
    await scope.faults({ kind: "bad_json", times: 3 });
    const { llm } = openai(scope);
    const error = await llm.complete(extractRequest(workspaceId("bad"))).catch((e: unknown) => e);
    expect((error as Error).message).toContain("openai malformed");
    expect(await scope.requests()).toHaveLength(1);
  });

  it("passes malformed extraction text through unchanged for the parser to judge", async () => {
    const scope = new StubScope("malformed");
    await scope.faults({ kind: "malformed" });
    const { llm } = openai(scope);
    const response = await llm.complete(extractRequest(workspaceId("malformed")));
    expect(response.text).not.toContain("<|COMPLETE|>");
    expect(response.text).toContain("this line has no delimiters");
  });

  it("sends the Azure deployment URL, api-version and api-key header", async () => {
    const scope = new StubScope("azure");
    const { llm } = providersWith({
      LLM_BINDING: "azure_openai",
      AZURE_OPENAI_ENDPOINT: scope.base,
      AZURE_OPENAI_DEPLOYMENT: "my-deployment",
      AZURE_OPENAI_API_KEY: "azure-key",
      ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    });
    const response = await llm.complete(extractRequest(workspaceId("azure")));
    expect(response.provider).toBe("azure_openai");
    expect(response.model).toBe("my-deployment");
    const [request] = await scope.requests();
    expect(request).toMatchObject({
      path: "/openai/deployments/my-deployment/chat/completions",
      authorized: true,
    });
  });
});
