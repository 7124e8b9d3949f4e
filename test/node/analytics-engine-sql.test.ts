/**
 * The dashboard's Analytics Engine source against a fake SQL API on a real HTTP server: the
 * server checks the path, the bearer token and each statement, and answers the way the SQL API
 * does (ClickHouse JSON, 64-bit integers quoted).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AnalyticsSourceError,
  type EngineConnection,
  engineSeries,
  runEngineSql,
} from "../../src/observability/analytics/engine-source";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "fake-analytics-token-0123456789";
const NOW = Date.UTC(2026, 11, 5, 22, 30);
const received: string[] = [];
let server: Server;
let baseUrl = "";

function answer(sql: string): unknown[] {
  const hour = "2026-12-05 22:00:00";
  if (sql.includes("blob1 = 'request'"))
    return [
      { t: hour, class: "query", requests: "40", errors: "2", limited: "3", p50: 120, p95: 900 },
      { t: hour, class: "ingest", requests: "10", errors: "0", limited: "0", p50: 300, p95: 1200 },
    ];
  if (sql.includes("blob1 = 'query'")) return [{ t: hour, mode: "mix", queries: "20", cached: "5" }];
  if (sql.includes("blob1 = 'document'"))
    return [
      { t: hour, status: "processed", documents: "7" },
      { t: hour, status: "failed", documents: "1" },
    ];
  if (sql.includes("blob1 = 'llm'"))
    return [
      { t: hour, workspace: "team_a", model: "gpt-4o-mini", prompt_tokens: 2e6, completion_tokens: 1e6 },
    ];
  return [];
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push(body);
      if (req.url !== `/client/v4/accounts/${ACCOUNT}/analytics_engine/sql` || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401, { "Content-Type": "application/json" }).end('{"errors":[{"message":"auth"}]}');
        return;
      }
      if (body === "broken") {
        res.writeHead(200, { "Content-Type": "text/plain" }).end("not json");
        return;
      }
      const data = answer(body);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ meta: [], data, rows: data.length, rows_before_limit_at_least: data.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const connection = (token = TOKEN): EngineConnection => ({
  baseUrl,
  accountId: ACCOUNT,
  token,
  dataset: "lightrag_edge_production",
});

describe("Analytics Engine source", () => {
  it("sends the four dashboard statements with the bearer token and folds the rows", async () => {
    received.length = 0;
    const day = await engineSeries(connection(), {
      range: "day",
      now: NOW,
      workspace: "team_a",
      prices: { "gpt-4o-mini": { prompt: 0.15, completion: 0.6 } },
    });
    expect(received).toHaveLength(4);
    for (const sql of received) {
      expect(sql).toMatch(/^SELECT toStartOfInterval\(timestamp, INTERVAL '1' HOUR\) AS t, /);
      expect(sql).toContain("FROM lightrag_edge_production WHERE blob1 = '");
      expect(sql).toContain("AND timestamp > NOW() - INTERVAL '1' DAY AND index1 = 'team_a'");
      expect(sql).toMatch(/ORDER BY t FORMAT JSON$/);
    }
    expect(day.source).toBe("analytics_engine");
    expect(day.requests.total.at(-1)).toBe(50);
    expect(day.requests.error_rate.at(-1)).toBeCloseTo(0.04);
    expect(day.latency_ms).toEqual({
      ingest: { p50: expect.any(Array), p95: expect.any(Array) },
      query: { p50: expect.any(Array), p95: expect.any(Array) },
    });
    expect(day.latency_ms.query?.p95.at(-1)).toBe(900);
    expect(day.rate_limit_hits).toEqual({ query: expect.any(Array) });
    expect(day.rate_limit_hits.query?.at(-1)).toBe(3);
    expect(day.queries.mix?.at(-1)).toBe(20);
    expect(day.cache.hit_rate.at(-1)).toBeCloseTo(0.25);
    expect(day.ingestion.processed.at(-1)).toBe(7);
    expect(day.ingestion.failed.at(-1)).toBe(1);
    expect(day.llm[0]?.cost_usd?.at(-1)).toBeCloseTo(0.9);
    expect(day.deployment_wide).toEqual([]);
  });

  it("fails with AnalyticsSourceError on a refused token, a non-JSON answer or no server", async () => {
    await expect(runEngineSql(connection("wrong-token"), "SELECT 1 FORMAT JSON")).rejects.toThrow(
      new AnalyticsSourceError("Analytics Engine SQL API answered 401"),
    );
    await expect(runEngineSql(connection(), "broken")).rejects.toBeInstanceOf(AnalyticsSourceError);
    await expect(
      runEngineSql({ ...connection(), baseUrl: "http://127.0.0.1:1/client/v4", timeoutMs: 2000 }, "SELECT 1"),
    ).rejects.toBeInstanceOf(AnalyticsSourceError);
  });
});
