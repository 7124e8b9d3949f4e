/**
 * Domain errors (the RAG engine's `RagError`, the providers' `ProviderError` and
 * `LlmUnavailableError`) know no HTTP; the one error handler maps each kind to the status, code,
 * headers and message documented in docs/architecture.md ("Errors"). Unit tests of the mapping,
 * then one failure of each family end to end through a real route.
 */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";
import { toAppError } from "../../src/http/error-handler";
import { LlmUnavailableError, ProviderError } from "../../src/providers/errors";
import { RagError } from "../../src/rag/types";
import { FAST, StubScope } from "../providers/helpers";

const workerEnv = env as unknown as Env;

interface Envelope {
  error: { code: string; message: string; request_id: string; details?: unknown };
}

afterEach(() => vi.restoreAllMocks());

describe("toAppError maps every domain error kind", () => {
  it.each([
    ["bad_input", 400, "bad_request"],
    ["not_found", 404, "not_found"],
    ["conflict", 409, "conflict"],
    ["cancelled", 409, "conflict"],
    ["too_large", 413, "payload_too_large"],
  ] as const)("RagError %s → %i %s, with its message and details", (kind, status, code) => {
    const mapped = toAppError(new RagError(kind, `it was ${kind}`, { names: ["a.txt"] }));
    expect(mapped.status).toBe(status);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toBe(`it was ${kind}`);
    expect(mapped.details).toEqual({ names: ["a.txt"] });
    expect(mapped.headers).toEqual({});
  });

  it("RagError without details → no details in the envelope", () => {
    expect(toAppError(new RagError("bad_input", "Document 1 is empty")).details).toBeUndefined();
  });

  it.each(["LLM", "Embedding"] as const)(
    "LlmUnavailableError (%s) → 503 service_unavailable, Retry-After 30, the attempts",
    (what) => {
      const attempts = [
        { provider: "openai", model: "gpt-x", kind: "http" as const, status: 502 },
        { provider: "anthropic", model: "claude-x", kind: "timeout" as const },
      ];
      const mapped = toAppError(new LlmUnavailableError(what, attempts));
      expect(mapped.status).toBe(503);
      expect(mapped.code).toBe("service_unavailable");
      expect(mapped.message).toBe(`${what} providers unavailable (openai 502; anthropic timeout)`);
      expect(mapped.headers).toEqual({ "Retry-After": "30" });
      expect(mapped.details).toEqual({ attempts });
    },
  );

  it("LlmUnavailableError with no provider configured says so", () => {
    expect(toAppError(new LlmUnavailableError("LLM", [])).message).toBe(
      "LLM providers unavailable (none configured)",
    );
  });

  it.each([
    [new ProviderError("openai", "http", { status: 502 }), "openai: HTTP 502", "30"],
    [new ProviderError("openai", "http", { status: 429, retryAfterMs: 7_500 }), "openai: HTTP 429", "8"],
    [new ProviderError("anthropic", "timeout"), "anthropic: timeout", "30"],
    [new ProviderError("ollama", "network"), "ollama: network", "30"],
    [new ProviderError("workers-ai", "malformed"), "workers-ai: malformed", "30"],
    [new ProviderError("openai", "circuit_open"), "openai: circuit open", "30"],
  ])(
    "a single ProviderError (%s) → 503 service_unavailable naming provider and failure",
    (error, what, retry) => {
      const mapped = toAppError(error);
      expect(mapped.status).toBe(503);
      expect(mapped.code).toBe("service_unavailable");
      expect(mapped.message).toBe(`LLM provider failed (${what})`);
      expect(mapped.headers).toEqual({ "Retry-After": retry });
      expect(mapped.details).toEqual({
        attempts: [{ provider: error.provider, kind: error.kind, status: error.status }],
      });
    },
  );

  it("anything else is still a plain 500 whose message stays in the log", () => {
    const mapped = toAppError(new Error("secret internals"));
    expect(mapped.status).toBe(500);
    expect(mapped.code).toBe("internal_error");
    expect(mapped.message).toBe("Internal server error");
  });
});

describe("domain errors through a real route", () => {
  async function request(path: string, body: unknown, workspace: string, vars: Record<string, string> = {}) {
    const ctx = createExecutionContext();
    const res = await createApp().request(
      path,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
        body: JSON.stringify(body),
      },
      { ...workerEnv, ...vars },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("a RagError from the engine answers the envelope with its status, code and details", async () => {
    // Through the deployed Worker: the route starts loading the tokenizer in waitUntil.
    const res = await SELF.fetch("https://example.com/documents/texts", {
      method: "POST",
      headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": "domain_err_rag" },
      body: JSON.stringify({ texts: ["one text", "another text"], file_sources: ["same.txt", "same.txt"] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Envelope;
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toBe("file_sources must be unique; same.txt appears twice");
    expect(body.error.request_id).toBe(res.headers.get("X-Request-ID"));
  }, 30_000);

  it("an LLM chain that fails answers 503 service_unavailable with Retry-After and the attempts, no key", async () => {
    const scope = new StubScope("domain-503");
    await scope.faults({ kind: "503", times: 10 });
    const logged = vi.spyOn(console, "log");
    const res = await request("/query", { query: "who?", mode: "bypass" }, "domain_err_llm", {
      ...FAST,
      LLM_MAX_RETRIES: "0",
      LLM_BINDING: "openai",
      LLM_MODEL: "gpt-stub",
      LLM_BINDING_HOST: scope.v1,
      LLM_BINDING_API_KEY: "sk-test-not-a-real-key-503",
      ENABLE_LLM_CACHE: "false",
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("30");
    const text = await res.text();
    expect(text).not.toContain("sk-test");
    const body = JSON.parse(text) as Envelope;
    expect(body.error.code).toBe("service_unavailable");
    expect(body.error.message).toBe("LLM providers unavailable (openai 503)");
    expect(body.error.details).toEqual({
      attempts: [{ provider: "openai", model: "gpt-stub", kind: "http", status: 503 }],
    });
    // A mapped domain error is expected, not an "unhandled error" with a stack.
    const lines = logged.mock.calls.map(([line]) => String(line));
    expect(lines.some((line) => line.includes("unhandled error"))).toBe(false);
  }, 30_000);
});
