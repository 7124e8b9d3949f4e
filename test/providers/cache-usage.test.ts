/** The D1 LLM cache (LightRAG keys, switches, scoping) and token accounting, with the admin usage route. */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { llmCacheKey } from "../../src/providers/cache-key";
import type { LlmRequest } from "../../src/providers/types";
import { D1UsageStore, usageDay } from "../../src/storage/d1/llm-usage";
import { extractionPrompt, providersWith, StubScope, workspaceId } from "./helpers";

function extractRequest(
  workspace: string,
  text = "Grace Hopper wrote the first compiler at Remington Rand.",
): LlmRequest {
  const { system, user } = extractionPrompt(text);
  return {
    role: "extract",
    system,
    messages: [{ role: "user", content: user }],
    workspace,
    cache: { chunkId: "chunk-1" },
  };
}

function stubVars(scope: StubScope, vars: Record<string, string> = {}): Record<string, string> {
  return {
    LLM_BINDING: "openai",
    LLM_MODEL: "gpt-cache",
    LLM_BINDING_HOST: scope.v1,
    LLM_BINDING_API_KEY: "k",
    ...vars,
  };
}

describe("llm cache", () => {
  it("serves a repeated extraction from D1 under LightRAG's default:extract key", async () => {
    const scope = new StubScope("cache");
    const { llm } = providersWith(stubVars(scope));
    const workspace = workspaceId("cache");
    const first = await llm.complete(extractRequest(workspace));
    const second = await llm.complete(extractRequest(workspace));
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.text).toBe(first.text);
    expect(second.cacheKey).toBe(first.cacheKey);
    expect(first.cacheKey).toMatch(/^default:extract:[0-9a-f]{32}$/);
    expect(await scope.requests()).toHaveLength(1);
    const row = await env.DB.prepare(
      "SELECT cache_type, mode, chunk_id, provider, model FROM llm_cache WHERE workspace = ? AND id = ?",
    )
      .bind(workspace, first.cacheKey)
      .first();
    expect(row).toEqual({
      cache_type: "extract",
      mode: "default",
      chunk_id: "chunk-1",
      provider: "openai",
      model: "gpt-cache",
    });
  });

  it("never shares entries across workspaces or models", async () => {
    const scope = new StubScope("cache-scope");
    const workspace = workspaceId("cache-a");
    await providersWith(stubVars(scope)).llm.complete(extractRequest(workspace));
    expect(
      (await providersWith(stubVars(scope)).llm.complete(extractRequest(workspaceId("cache-b")))).cached,
    ).toBe(false);
    const otherModel = providersWith(stubVars(scope, { LLM_MODEL: "gpt-other" }));
    expect((await otherModel.llm.complete(extractRequest(workspace))).cached).toBe(false);
    expect(await scope.requests()).toHaveLength(3);
  });

  it("is off for extraction when ENABLE_LLM_CACHE_FOR_EXTRACT=false", async () => {
    const scope = new StubScope("cache-off");
    const { llm } = providersWith(stubVars(scope, { ENABLE_LLM_CACHE_FOR_EXTRACT: "false" }));
    const workspace = workspaceId("off");
    await llm.complete(extractRequest(workspace));
    expect((await llm.complete(extractRequest(workspace))).cached).toBe(false);
    expect(await scope.requests()).toHaveLength(2);
  });

  it("keys answers on the caller's query parameters and mode; ENABLE_LLM_CACHE turns it off", async () => {
    const scope = new StubScope("cache-query");
    const workspace = workspaceId("q");
    const ask = (args: unknown[]): LlmRequest => ({
      role: "query",
      system: '{"reference_id": "1", "content": "Grace Hopper wrote the first compiler."}',
      messages: [{ role: "user", content: "Who wrote the first compiler?" }],
      workspace,
      cache: { mode: "mix", args, queryParam: { mode: "mix", top_k: 40 } },
    });
    const { llm } = providersWith(stubVars(scope));
    const first = await llm.complete(ask(["mix", "Who wrote the first compiler?", 40]));
    expect(first.cacheKey).toMatch(/^mix:query:[0-9a-f]{32}$/);
    expect((await llm.complete(ask(["mix", "Who wrote the first compiler?", 40]))).cached).toBe(true);
    expect((await llm.complete(ask(["mix", "Who wrote the first compiler?", 10]))).cached).toBe(false);
    expect(
      (await llm.complete({ ...ask(["mix", "Who wrote the first compiler?", 40]), cache: { skip: true } }))
        .cached,
    ).toBe(false);
    const off = providersWith(stubVars(scope, { ENABLE_LLM_CACHE: "false" }));
    expect((await off.llm.complete(ask(["mix", "Who wrote the first compiler?", 40]))).cached).toBe(false);
    expect(await scope.requests()).toHaveLength(4);
  });

  it("answers a stream from the cache in one piece but does not write streamed answers", async () => {
    const scope = new StubScope("cache-stream");
    const workspace = workspaceId("cs");
    const request: LlmRequest = {
      role: "query",
      system: '{"reference_id": "1", "content": "Grace Hopper wrote the first compiler."}',
      messages: [{ role: "user", content: "Who wrote the first compiler?" }],
      workspace,
    };
    const { llm } = providersWith(stubVars(scope));
    const streamed: string[] = [];
    for await (const part of llm.stream(request)) streamed.push(part);
    expect((await llm.complete(request)).cached).toBe(false);
    const fromCache: string[] = [];
    for await (const part of llm.stream(request)) fromCache.push(part);
    expect(fromCache).toEqual([streamed.join("")]);
    expect(await scope.requests()).toHaveLength(2);
  });

  it("computes stable keys that depend on the prompt and the LLM identity", () => {
    const identity = { role: "extract" as const, binding: "openai", model: "m", host: "h" };
    const request = extractRequest("w");
    expect(llmCacheKey(request, identity)).toBe(llmCacheKey({ ...request, workspace: "other" }, identity));
    expect(llmCacheKey(request, identity)).not.toBe(llmCacheKey(request, { ...identity, host: "h2" }));
    expect(llmCacheKey({ ...request, json: true }, identity)).not.toBe(llmCacheKey(request, identity));
  });
  // The store itself (clear by type and id, replace, many ids) is the contract of
  // test/storage/contract/platform-stores.ts, run on D1 and Postgres.
});

describe("token accounting", () => {
  it("counts tokens, cache hits and failures per workspace, role, provider and model", async () => {
    const primary = new StubScope("acct");
    const fallback = new StubScope("acct-fb");
    const { llm } = providersWith(
      stubVars(primary, {
        LLM_FALLBACKS: `anthropic|claude-acct|${fallback.base}`,
        ANTHROPIC_API_KEY: "k",
        LLM_MAX_RETRIES: "0",
      }),
    );
    const workspace = workspaceId("acct");
    const first = await llm.complete(extractRequest(workspace));
    await llm.complete(extractRequest(workspace));
    await primary.faults({ kind: "500" });
    await llm.complete({ role: "query", messages: [{ role: "user", content: "Who wrote it?" }], workspace });
    const rows = await new D1UsageStore(env.DB).list({ workspace });
    const day = usageDay();
    expect(rows).toEqual([
      {
        workspace,
        day,
        role: "extract",
        provider: "openai",
        model: "gpt-cache",
        prompt_tokens: first.usage.promptTokens,
        completion_tokens: first.usage.completionTokens,
        calls: 1,
        cached_calls: 1,
        errors: 0,
      },
      expect.objectContaining({
        role: "query",
        provider: "anthropic",
        model: "claude-acct",
        calls: 1,
        errors: 0,
      }),
      expect.objectContaining({ role: "query", provider: "openai", calls: 0, errors: 1, prompt_tokens: 0 }),
    ]);
  });

  it("counts embedding tokens under the embedding role", async () => {
    const scope = new StubScope("acct-emb");
    const { embeddings } = providersWith({
      EMBEDDING_BINDING: "openai",
      EMBEDDING_MODEL: "text-embedding-3-small",
      EMBEDDING_BINDING_HOST: scope.v1,
      EMBEDDING_BINDING_API_KEY: "k",
      EMBEDDING_DIM: "64",
      EMBEDDING_SEND_DIM: "true",
    });
    const workspace = workspaceId("emb");
    await embeddings.embed({ texts: ["one text", "two texts"], workspace });
    const rows = await new D1UsageStore(env.DB).list({ workspace, role: "embedding" });
    expect(rows).toMatchObject([{ provider: "openai", model: "text-embedding-3-small", calls: 1 }]);
    expect(rows[0]?.prompt_tokens).toBeGreaterThan(0);
  });

  it("is readable by administrators through GET /admin/llm/usage, scoped to their workspace", async () => {
    const workspace = workspaceId("adm");
    const store = new D1UsageStore(env.DB);
    const event = {
      role: "query",
      provider: "openai",
      model: "m",
      promptTokens: 10,
      completionTokens: 5,
      outcome: "call" as const,
    };
    await store.record({ ...event, workspace });
    await store.record({ ...event, workspace });
    await store.record({ ...event, workspace: `${workspace}_other` });
    const response = await SELF.fetch("http://x/admin/llm/usage", {
      headers: { "LIGHTRAG-WORKSPACE": workspace },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      workspace: string;
      usage: unknown[];
      totals: Record<string, number>;
    };
    expect(body.workspace).toBe(workspace);
    expect(body.usage).toHaveLength(1);
    expect(body.totals).toEqual({
      prompt_tokens: 20,
      completion_tokens: 10,
      calls: 2,
      cached_calls: 0,
      errors: 0,
    });
  });

  it("rejects bad usage filters with 422", async () => {
    const response = await SELF.fetch("http://x/admin/llm/usage?from=yesterday");
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("validation_error");
  });

  it("reports chains and circuit states at GET /admin/llm/status", async () => {
    const response = await SELF.fetch("http://x/admin/llm/status");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { roles: Record<string, { binding: string }[]> };
    expect(body.roles.query?.[0]?.binding).toBe("local");
  });
});
