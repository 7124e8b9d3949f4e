import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";
import { writeDocumentPoint, writeQueryPoint } from "../../src/observability/analytics";
import { countMetricWithEnv } from "../../src/observability/metrics";
import { FAST, StubScope } from "../providers/helpers";
import { seedCorpus } from "../query/corpus";

const workerEnv = env as unknown as Env;

/** A data point as `writeDataPoint` received it. */
type Point = AnalyticsEngineDataPoint;

function capturePoints() {
  return vi.spyOn(workerEnv.ANALYTICS, "writeDataPoint");
}

afterEach(() => vi.restoreAllMocks());

describe("Analytics Engine data points", () => {
  it("writes one request point per request: route template, method, status, workspace, duration", async () => {
    const points = capturePoints();
    const ctx = createExecutionContext();
    const res = await createApp().request(
      "/health/live",
      { headers: { "LIGHTRAG-WORKSPACE": "analytics_ws" } },
      workerEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(points).toHaveBeenCalledTimes(1);
    const [point] = points.mock.calls[0] ?? [];
    expect(point?.indexes).toEqual(["analytics_ws"]);
    expect(point?.blobs).toEqual(["request", "analytics_ws", "/health/live", "GET", "200", "exempt"]);
    expect(point?.doubles?.[1]).toBe(200);
    expect(point?.doubles?.[0]).toBeGreaterThanOrEqual(0);
  });

  it("turns the document counter into a document point; the query counter writes none (its route does)", () => {
    const points = capturePoints();
    const ctx = createExecutionContext();
    const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
    countMetricWithEnv(workerEnv, waitUntil, "lightrag_queries_executed_total", {
      mode: "hybrid",
      workspace: "w1",
    });
    countMetricWithEnv(workerEnv, waitUntil, "lightrag_documents_processed_total", {
      status: "failed",
      workspace: "w1",
    });
    countMetricWithEnv(workerEnv, waitUntil, "lightrag_cache_hits_total", { cache: "llm" });
    // The query point is written once per query by the query routes (recordQuery), with the cache
    // flag and duration the counter does not carry; see "points of real query requests" below.
    expect(points.mock.calls.map(([point]) => point?.blobs)).toEqual([
      ["document", "w1", "pipeline", "", "failed"],
    ]);
  });

  it("carries tokens and flags in doubles, and writes nothing when ANALYTICS_ENABLED=false", () => {
    const points = capturePoints();
    writeQueryPoint(workerEnv, {
      workspace: "w2",
      mode: "mix",
      ok: false,
      duration_ms: 812,
      prompt_tokens: 900,
      completion_tokens: 120,
      cached: true,
    });
    writeDocumentPoint(workerEnv, {
      workspace: "w2",
      source: "file",
      ok: true,
      duration_ms: 5000,
      chunks: 7,
    });
    expect(points.mock.calls.map(([point]) => point?.doubles)).toEqual([
      [812, 900, 120, 1],
      [5000, 0, 0, 7],
    ]);
    writeQueryPoint(
      { ...workerEnv, ANALYTICS_ENABLED: "false" },
      { workspace: "w2", mode: "mix", ok: true, duration_ms: 1 },
    );
    expect(points).toHaveBeenCalledTimes(2);
  });

  it("never fails the caller when the dataset refuses a point", () => {
    vi.spyOn(workerEnv.ANALYTICS, "writeDataPoint").mockImplementation(() => {
      throw new Error("buffer full");
    });
    expect(() =>
      writeDocumentPoint(workerEnv, { workspace: "w3", source: "text", ok: true, duration_ms: 1 }),
    ).not.toThrow();
  });
});

describe("Analytics Engine points of real query requests", () => {
  const WS = "analytics_query";
  let vars: Record<string, string>;

  beforeAll(async () => {
    await seedCorpus(WS);
    // The OpenAI-compatible stub answers, so the second identical question is an answer-cache hit.
    const scope = new StubScope("analytics-query");
    vars = {
      ...FAST,
      LLM_BINDING: "openai",
      LLM_MODEL: "gpt-stub",
      LLM_BINDING_HOST: scope.v1,
      LLM_BINDING_API_KEY: "sk-test-not-a-real-key-analytics",
    };
  }, 60_000);

  /** Runs one request through the whole app and returns the points it wrote, by kind. */
  async function pointsOf(path: string, body: Record<string, unknown>) {
    const points = capturePoints();
    const ctx = createExecutionContext();
    const res = await createApp().request(
      path,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": WS },
        body: JSON.stringify(body),
      },
      { ...workerEnv, ...vars },
      ctx,
    );
    await res.text();
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const all = points.mock.calls.map(([point]) => point as Point);
    points.mockRestore();
    return {
      all,
      queries: all.filter((point) => point.blobs?.[0] === "query"),
      requests: all.filter((point) => point.blobs?.[0] === "request"),
      llm: all.filter((point) => point.blobs?.[0] === "llm"),
    };
  }

  const QUESTION = {
    query: "Which partnerships does Acme Corporation have?",
    mode: "global",
    hl_keywords: ["partnership, collaboration"],
    ll_keywords: [],
  };

  it("/query writes one query point (workspace, mode, ok) and one request point", async () => {
    const { all, queries, requests, llm } = await pointsOf("/query", QUESTION);
    // Besides its LLM calls' points (one per provider answer, through meteredUsage).
    expect(all).toHaveLength(2 + llm.length);
    expect(llm.map((point) => point.blobs?.slice(0, 4))).toContainEqual(["llm", WS, "gpt-stub", "openai"]);
    expect(queries).toHaveLength(1);
    const [query] = queries;
    expect(query?.indexes).toEqual([WS]);
    expect(query?.blobs).toEqual(["query", WS, "global", "", "ok"]);
    expect(query?.doubles).toHaveLength(4);
    expect(query?.doubles?.[0]).toBeGreaterThanOrEqual(0);
    expect(query?.doubles?.[3]).toBe(0);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.indexes).toEqual([WS]);
    expect(requests[0]?.blobs).toEqual(["request", WS, "/query", "POST", "200", "query"]);
    expect(requests[0]?.doubles?.[1]).toBe(200);
  });

  it("/query answered from the answer cache marks the point cached (blob4 cache, double4 1)", async () => {
    await pointsOf("/query", { ...QUESTION, query: "Who partnered with Babbage Labs?" });
    const { queries } = await pointsOf("/query", { ...QUESTION, query: "Who partnered with Babbage Labs?" });
    expect(queries).toHaveLength(1);
    expect(queries[0]?.blobs).toEqual(["query", WS, "global", "cache", "ok"]);
    expect(queries[0]?.doubles?.[3]).toBe(1);
  });

  it.each([
    ["/query/data", "hybrid"],
    ["/query/stream", "local"],
    ["/api/query", "mix"],
  ])("%s writes one query point and one request point with its route template", async (path, mode) => {
    const { all, queries, requests, llm } = await pointsOf(path, { ...QUESTION, mode });
    expect(all).toHaveLength(2 + llm.length);
    expect(queries.map((point) => point.blobs)).toEqual([["query", WS, mode, "", "ok"]]);
    expect(requests.map((point) => point.blobs)).toEqual([["request", WS, path, "POST", "200", "query"]]);
  });
});
