/** Backoff, circuit breaker, priority limiter and config parsing, without the network. */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { CircuitBreaker } from "../../src/providers/breaker";
import { ProviderError, parseRetryAfter } from "../../src/providers/errors";
import { PriorityLimiter, ROLE_PRIORITY } from "../../src/providers/limiter";
import { backoffDelay, type RetryPolicy, withRetry } from "../../src/providers/retry";
import { chainSpecs, primarySpec } from "../../src/providers/settings";
import { configWith, providersWith, StubScope } from "./helpers";

const policy: RetryPolicy = { maxRetries: 3, baseMs: 100, maxMs: 1000, random: () => 1 };

describe("backoff", () => {
  it("draws full jitter from [0, min(max, base·2^attempt)]", () => {
    expect(backoffDelay(0, policy)).toBe(100);
    expect(backoffDelay(3, policy)).toBe(800);
    expect(backoffDelay(10, policy)).toBe(1000);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(0);
  });

  it("never waits less than Retry-After, and gives up when it exceeds the cap", () => {
    expect(backoffDelay(0, { ...policy, random: () => 0 }, 700)).toBe(700);
    expect(backoffDelay(0, policy, 5000)).toBeUndefined();
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("retries only retryable provider errors", async () => {
    const waits: number[] = [];
    const fast = { ...policy, sleep: async (ms: number) => void waits.push(ms) };
    let calls = 0;
    const flaky = () => {
      calls++;
      if (calls < 3) throw new ProviderError("openai", "http", { status: 429, retryAfterMs: 200 });
      return Promise.resolve("ok");
    };
    expect(await withRetry(async () => flaky(), fast)).toBe("ok");
    expect(waits).toEqual([200, 200]);
    calls = 0;
    const fatal = async () => {
      calls++;
      throw new ProviderError("openai", "http", { status: 401 });
    };
    await expect(withRetry(fatal, fast)).rejects.toThrow("openai: HTTP 401");
    expect(calls).toBe(1);
  });
});

describe("circuit breaker", () => {
  it("opens at the threshold, half-opens after the cool-down for one trial, and closes on success", () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1000, () => now);
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe("closed");
    breaker.failure();
    expect(breaker.state).toBe("open");
    expect(breaker.allow()).toBe(false);
    now = 1000;
    expect(breaker.state).toBe("half_open");
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.success();
    expect(breaker.state).toBe("closed");
    expect(breaker.allow()).toBe(true);
  });

  it("a success resets the count of consecutive failures", () => {
    const breaker = new CircuitBreaker(2, 1000);
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state).toBe("closed");
  });
});

describe("priority limiter", () => {
  it("hands freed slots to query calls before queued extraction calls", async () => {
    const limiter = new PriorityLimiter(1);
    const order: string[] = [];
    const take = (name: string, release: () => void) => {
      order.push(name);
      release();
    };
    const hold = await limiter.acquire(ROLE_PRIORITY.extract);
    const waiters = [
      limiter.acquire(ROLE_PRIORITY.extract).then((release) => take("extract-1", release)),
      limiter.acquire(ROLE_PRIORITY.extract).then((release) => take("extract-2", release)),
      limiter.acquire(ROLE_PRIORITY.query).then((release) => take("query", release)),
      limiter.acquire(ROLE_PRIORITY.summary).then((release) => take("summary", release)),
    ];
    expect(limiter.stats).toEqual({ active: 1, waiting: 4, max: 1 });
    hold();
    await Promise.all(waiters);
    expect(order).toEqual(["query", "summary", "extract-1", "extract-2"]);
    expect(limiter.stats).toEqual({ active: 0, waiting: 0, max: 1 });
  });

  it("drops a waiter whose caller aborts", async () => {
    const limiter = new PriorityLimiter(1);
    const hold = await limiter.acquire(1);
    const controller = new AbortController();
    const waiting = limiter.acquire(1, controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
    expect(limiter.stats.waiting).toBe(0);
    hold();
    expect(limiter.stats.active).toBe(0);
  });

  it("serves a query ahead of queued extraction calls over real HTTP (LLM_MAX_ASYNC=1)", async () => {
    const scope = new StubScope("priority");
    await scope.latency(50);
    const { llm } = providersWith({
      LLM_BINDING: "openai",
      LLM_BINDING_HOST: scope.v1,
      LLM_BINDING_API_KEY: "k",
      LLM_MAX_ASYNC: "1",
      ENABLE_LLM_CACHE: "false",
      ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    });
    const done: string[] = [];
    const extract = (i: number) =>
      llm
        .complete({
          role: "extract",
          messages: [{ role: "user", content: `---Input Text---\nItem ${i}.` }],
          workspace: "p",
        })
        .then(() => done.push(`extract-${i}`));
    const calls = [extract(1), extract(2), extract(3)];
    await new Promise((resolve) => setTimeout(resolve, 10));
    calls.push(
      llm
        .complete({ role: "query", messages: [{ role: "user", content: "q" }], workspace: "p" })
        .then(() => done.push("query")),
    );
    await Promise.all(calls);
    expect(done).toEqual(["extract-1", "query", "extract-2", "extract-3"]);
  });
});

describe("provider config", () => {
  it("parses LLM_FALLBACKS entries and rejects unknown bindings", () => {
    const config = configWith({
      LLM_FALLBACKS: "anthropic|claude-x, azure_openai, ollama|llama3:8b|http://127.0.0.1:11434",
    });
    expect(config.LLM_FALLBACKS).toEqual([
      { binding: "anthropic", model: "claude-x", host: undefined },
      { binding: "azure_openai", model: undefined, host: undefined },
      { binding: "ollama", model: "llama3:8b", host: "http://127.0.0.1:11434" },
    ]);
    const bad = parseConfig({ LLM_FALLBACKS: "openai,gemini" });
    expect(bad.config).toBeNull();
    expect(bad.problems.join()).toContain('LLM_FALLBACKS: unknown binding "gemini"');
  });

  it("builds per-role chains: role overrides, provider keys and defaults, duplicates dropped", () => {
    const config = configWith({
      LLM_BINDING: "openai",
      LLM_MODEL: "gpt-4o",
      LLM_BINDING_API_KEY: "base-key",
      EXTRACT_LLM_MODEL: "gpt-4o-mini",
      KEYWORD_LLM_BINDING: "workers-ai",
      QUERY_LLM_TIMEOUT: "30",
      LLM_FALLBACKS: "openai|gpt-4o,anthropic,azure_openai",
      ANTHROPIC_API_KEY: "ant-key",
      AZURE_OPENAI_ENDPOINT: "https://x.openai.azure.com",
      AZURE_OPENAI_DEPLOYMENT: "prod-gpt",
    });
    expect(primarySpec(config, "extract")).toMatchObject({
      binding: "openai",
      model: "gpt-4o-mini",
      apiKey: "base-key",
    });
    expect(primarySpec(config, "summary").model).toBe("gpt-4o-mini");
    expect(primarySpec(config, "keyword")).toMatchObject({
      binding: "workers-ai",
      model: "@cf/meta/llama-3.1-8b-instruct",
      apiKey: undefined,
    });
    expect(primarySpec(config, "query")).toMatchObject({ model: "gpt-4o", timeoutMs: 30_000 });
    expect(chainSpecs(config, "query").map((s) => `${s.binding}:${s.model}`)).toEqual([
      "openai:gpt-4o",
      "anthropic:claude-3-5-haiku-latest",
      "azure_openai:prod-gpt",
    ]);
    expect(chainSpecs(config, "query")[2]).toMatchObject({ host: "https://x.openai.azure.com" });
    expect(chainSpecs(config, "query")[1]).toMatchObject({ apiKey: "ant-key" });
  });
});
