import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";
import { writeDocumentPoint, writeQueryPoint } from "../../src/observability/analytics";
import { countMetricWithEnv } from "../../src/observability/metrics";

const workerEnv = env as unknown as Env;

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
    expect(point?.blobs).toEqual(["request", "analytics_ws", "/health/live", "GET", "200"]);
    expect(point?.doubles?.[1]).toBe(200);
    expect(point?.doubles?.[0]).toBeGreaterThanOrEqual(0);
  });

  it("turns the query and document counters into query and document points", () => {
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
    expect(points.mock.calls.map(([point]) => point?.blobs)).toEqual([
      ["query", "w1", "hybrid", "", "ok"],
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
