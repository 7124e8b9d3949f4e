/**
 * The dashboard's local history end to end: real requests through the Worker land in the
 * aggregator's time buckets and come back from `GET /admin/analytics`; buckets stay bounded;
 * the Analytics Engine source is chosen by configuration and sends its token server-side.
 */
import {
  createExecutionContext,
  env,
  runInDurableObject,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";
import type { AppEnv } from "../../src/http/app-env";
import { invocationScope } from "../../src/http/middleware/invocation";
import { MAX_KEYS_PER_BUCKET } from "../../src/observability/analytics/history";
import type { AnalyticsResponse } from "../../src/observability/analytics/schema";
import { meteredUsage } from "../../src/observability/llm-usage-metrics";
import { readAggregate } from "../../src/observability/metrics-client";
import { LocalLlmClient } from "../../src/providers/local-llm";
import type { UsageEvent } from "../../src/providers/ports";
import { runInInvocation } from "../../src/runtime/background";

const workerEnv = env as unknown as Env;

afterEach(() => vi.restoreAllMocks());

async function analytics(query = "range=hour"): Promise<AnalyticsResponse> {
  const res = await SELF.fetch(`http://x/admin/analytics?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Polls the dashboard until `done` holds (metrics arrive through waitUntil) or 5 s pass. */
async function until(
  done: (answer: AnalyticsResponse) => boolean,
  query?: string,
): Promise<AnalyticsResponse> {
  const deadline = Date.now() + 5000;
  let answer = await analytics(query);
  while (!done(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await analytics(query);
  }
  return answer;
}

describe("GET /admin/analytics from the local history", () => {
  it("charts real traffic: requests, latency per route class, queries per mode, LLM tokens", async () => {
    const before = await analytics();
    const n = 12;
    await Promise.all(Array.from({ length: n }, () => SELF.fetch("http://x/health/live")));
    await SELF.fetch("http://x/no/such/path");
    const ws = "history_query";
    const query = await SELF.fetch("http://x/query", {
      method: "POST",
      headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": ws },
      body: JSON.stringify({ query: "Who is Ada Lovelace?", mode: "local" }),
    });
    expect(query.status, await query.text()).toBe(200);
    const answer = await until(
      (a) => sum(a.requests.total) >= sum(before.requests.total) + n + 2 && sum(a.queries.local ?? []) >= 1,
    );
    expect(answer.source).toBe("local");
    expect(answer.timestamps).toHaveLength(60);
    expect(answer.step_seconds).toBe(60);
    expect(sum(answer.requests.total)).toBeGreaterThanOrEqual(sum(before.requests.total) + n + 2);
    expect(answer.latency_ms.exempt?.p50.at(-1) ?? answer.latency_ms.exempt?.p50.at(-2)).not.toBeNull();
    expect(answer.latency_ms.unmatched).toBeDefined();
    expect(sum(answer.queries.local ?? [])).toBeGreaterThanOrEqual(1);
    expect(sum(answer.cache.lookups)).toBeGreaterThanOrEqual(1);

    const mine = await until(
      (a) => a.llm.some((row) => sum(row.prompt_tokens) > 0),
      `range=day&workspace=${ws}`,
    );
    expect(mine.workspace).toBe(ws);
    expect(mine.timestamps).toHaveLength(24);
    expect(mine.deployment_wide).toContain("requests");
    expect(mine.llm.map((row) => row.workspace)).toEqual(mine.llm.map(() => ws));
    expect(sum(mine.llm[0]?.prompt_tokens ?? [])).toBeGreaterThan(0);
    expect(Object.keys(mine.queries)).toEqual(["local"]);
  }, 60_000);

  it("answers 422 for an unknown range or a malformed workspace", async () => {
    expect((await SELF.fetch("http://x/admin/analytics?range=year")).status).toBe(422);
    expect((await SELF.fetch("http://x/admin/analytics?workspace=a'b")).status).toBe(422);
    expect((await SELF.fetch("http://x/admin/analytics?extra=1")).status).toBe(422);
  });
});

describe("history buckets of one aggregator shard", () => {
  it("accept at most MAX_KEYS_PER_BUCKET keys per bucket, and keep adding to the keys they have", async () => {
    const stub = env.METRICS.get(env.METRICS.idFromName(`history-cap-${crypto.randomUUID()}`));
    const samples: Array<[string, number]> = Array.from({ length: MAX_KEYS_PER_BUCKET + 50 }, (_, i) => [
      `lightrag_queries_executed_total{mode="mix",workspace="w${i}"}`,
      1,
    ]);
    await stub.add({ samples });
    await stub.add({ samples: samples.slice(0, 1) });
    const rows = await stub.history("minute", 0);
    expect(rows.length).toBe(MAX_KEYS_PER_BUCKET);
    expect(rows.find((row) => row.key === 'queries{mode="mix",workspace="w0"}')?.value).toBe(2);
    expect(await stub.history("hour", 0)).toHaveLength(MAX_KEYS_PER_BUCKET);
  });

  it("drops buckets older than their ring", async () => {
    const stub = env.METRICS.get(env.METRICS.idFromName(`history-prune-${crypto.randomUUID()}`));
    const sample: Array<[string, number]> = [['lightrag_cache_hits_total{cache="query"}', 1]];
    await stub.add({ samples: sample });
    await runInDurableObject(stub, async (instance, state) => {
      const old = Date.now() - 3 * 3_600_000;
      state.storage.sql.exec(
        "INSERT INTO history VALUES ('minute', ?, 'cache_hits{cache=\"query\"}', 5)",
        old,
      );
      state.storage.sql.exec("INSERT INTO history VALUES ('hour', ?, 'cache_hits{cache=\"query\"}', 5)", old);
      // The next batch prunes (pruning runs at most once a minute).
      (instance as unknown as { prunedAt: number }).prunedAt = 0;
    });
    await stub.add({ samples: sample });
    expect((await stub.history("minute", 0)).map((row) => row.value)).toEqual([2]);
    expect(await stub.history("hour", 0)).toHaveLength(2);
  });
});

describe("GET /admin/analytics from Analytics Engine", () => {
  const TOKEN = "analytics-token-for-tests-0123456789";
  const engineEnv = {
    ...workerEnv,
    ANALYTICS_SOURCE: "analytics_engine",
    CF_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
    ANALYTICS_API_TOKEN: TOKEN,
    ANALYTICS_DATASET: "lightrag_edge_production",
  };

  it("queries the SQL API with the server-side token and never returns it", async () => {
    const t = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000)
      .toISOString()
      .slice(0, 19)
      .replace("T", " ");
    const seen: Array<{ url: string; auth: string | null; sql: string }> = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const sql = String(init?.body ?? "");
      seen.push({ url: String(input), auth: new Headers(init?.headers).get("Authorization"), sql });
      const data = sql.includes("blob1 = 'request'")
        ? [{ t, class: "query", requests: "10", errors: "1", limited: "2", p50: 12.5, p95: 80 }]
        : sql.includes("blob1 = 'llm'")
          ? [{ t, workspace: "a", model: "m", prompt_tokens: 100, completion_tokens: 10 }]
          : [];
      return Response.json({ meta: [], data, rows: data.length });
    });
    const res = await createApp().request("/admin/analytics?range=day", {}, engineEnv);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain(TOKEN);
    const answer = JSON.parse(text) as AnalyticsResponse;
    expect(answer.source).toBe("analytics_engine");
    expect(answer.requests.total.at(-1)).toBe(10);
    expect(answer.rate_limit_hits.query?.at(-1)).toBe(2);
    expect(answer.latency_ms.query?.p95.at(-1)).toBe(80);
    expect(answer.llm[0]?.prompt_tokens.at(-1)).toBe(100);
    expect(seen).toHaveLength(4);
    for (const call of seen) {
      expect(call.url).toBe(
        "https://api.cloudflare.com/client/v4/accounts/0123456789abcdef0123456789abcdef/analytics_engine/sql",
      );
      expect(call.auth).toBe(`Bearer ${TOKEN}`);
      expect(call.sql).toContain("FROM lightrag_edge_production");
    }
  });

  it("answers 503 when the SQL API fails, and config problems without account or token", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("nope", { status: 500 }));
    const res = await createApp().request("/admin/analytics", {}, engineEnv);
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain(TOKEN);
    vi.restoreAllMocks();
    const broken = await createApp().request(
      "/health",
      {},
      { ...workerEnv, ANALYTICS_SOURCE: "analytics_engine" },
    );
    const body = await broken.text();
    expect(body).toContain("CF_ACCOUNT_ID");
    expect(body).toContain("ANALYTICS_API_TOKEN");
  });
});

describe("LLM token accounting for the dashboard", () => {
  it("the local LLM reports its estimated tokens to its usage port", async () => {
    const events: UsageEvent[] = [];
    const llm = new LocalLlmClient("local-model", { record: async (event) => void events.push(event) });
    const answer = await llm.complete({
      workspace: "acct_ws",
      role: "keyword",
      messages: [{ role: "user", content: "Who founded the company?" }],
    });
    expect(events).toEqual([
      {
        workspace: "acct_ws",
        role: "keyword",
        provider: "local",
        model: "local-model",
        promptTokens: answer.usage?.promptTokens,
        completionTokens: answer.usage?.completionTokens,
        outcome: "call",
      },
    ]);
  });

  it("meteredUsage keeps the table write and counts provider tokens in lightrag_llm_tokens_total", async () => {
    const table: UsageEvent[] = [];
    const usage = meteredUsage({ record: async (event) => void table.push(event) }, workerEnv);
    const model = `m_${crypto.randomUUID().slice(0, 8)}`;
    const event = {
      workspace: "acct_ws",
      role: "query",
      provider: "openai",
      model,
      promptTokens: 30,
      completionTokens: 7,
    };
    await usage.record({ ...event, outcome: "call" });
    await usage.record({ ...event, outcome: "cached" });
    await usage.record({ ...event, outcome: "error" });
    expect(table.map((row) => row.outcome)).toEqual(["call", "cached", "error"]);
    const { samples } = await readAggregate(workerEnv);
    expect(samples.get(`lightrag_llm_tokens_total{kind="prompt",model="${model}",workspace="acct_ws"}`)).toBe(
      30,
    );
    expect(
      samples.get(`lightrag_llm_tokens_total{kind="completion",model="${model}",workspace="acct_ws"}`),
    ).toBe(7);
  });
  it("inside an entry point, meteredUsage hands the row and the counter to waitUntil instead of waiting", async () => {
    let release: () => void = () => undefined;
    const written: UsageEvent[] = [];
    // A usage table that answers only when released: the caller must not wait for it.
    const slowTable = {
      record: (event: UsageEvent) =>
        new Promise<void>((resolve) => {
          release = () => {
            written.push(event);
            resolve();
          };
        }),
    };
    const usage = meteredUsage(slowTable, workerEnv);
    const model = `bg_${crypto.randomUUID().slice(0, 8)}`;
    const handedOff: Promise<unknown>[] = [];
    await runInInvocation(
      (p) => void handedOff.push(p),
      () =>
        usage.record({
          workspace: "bg_ws",
          role: "query",
          provider: "openai",
          model,
          promptTokens: 11,
          completionTokens: 4,
          outcome: "call",
        }),
    );
    // Returned before the row exists; the row and the token counter are owned by waitUntil.
    expect(written).toEqual([]);
    expect(handedOff.length).toBeGreaterThanOrEqual(2);
    release();
    await Promise.all(handedOff);
    expect(written.map((row) => row.model)).toEqual([model]);
    const { samples } = await readAggregate(workerEnv);
    expect(samples.get(`lightrag_llm_tokens_total{kind="prompt",model="${model}",workspace="bg_ws"}`)).toBe(
      11,
    );
    expect(
      samples.get(`lightrag_llm_tokens_total{kind="completion",model="${model}",workspace="bg_ws"}`),
    ).toBe(4);
  });

  it("in a request, the usage row and counter start only once the handler has returned its response", async () => {
    const started: string[] = [];
    const table = {
      record: async (event: UsageEvent) => {
        started.push(event.model);
      },
    };
    const usage = meteredUsage(table, workerEnv);
    const model = `late_${crypto.randomUUID().slice(0, 8)}`;
    const app = new Hono<AppEnv>().use(invocationScope).get("/answer", async (c) => {
      await usage.record({
        workspace: "late_ws",
        role: "keywords",
        provider: "local",
        model,
        promptTokens: 5,
        completionTokens: 2,
        outcome: "call",
      });
      // Still answering: the bookkeeping has not started, so it cannot compete with the answer.
      return c.json({ started: [...started] });
    });
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request("http://x/answer"), workerEnv, ctx);
    expect(await response.json()).toEqual({ started: [] });
    await waitOnExecutionContext(ctx);
    expect(started).toEqual([model]);
    const { samples } = await readAggregate(workerEnv);
    expect(samples.get(`lightrag_llm_tokens_total{kind="prompt",model="${model}",workspace="late_ws"}`)).toBe(
      5,
    );
  });
});
