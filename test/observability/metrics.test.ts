import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { auditSystem } from "../../src/audit";
import type { Env } from "../../src/env";
import { exportedMetricNames } from "../../src/observability/metric-names";
import { countMetricWithEnv, observeDuration } from "../../src/observability/metrics";
import type { MetricBatchMessage } from "../../src/observability/metrics-aggregator";
import {
  FLUSH_AFTER_MS,
  FLUSH_AT_REQUESTS,
  flushRequestMetrics,
  pendingRequests,
  queueRequestMetrics,
} from "../../src/observability/metrics-buffer";
import { readAggregate, sendMetricBatch } from "../../src/observability/metrics-client";
import { runInInvocation } from "../../src/runtime/background";
import { testRuntime } from "../runtime-helpers";
import { scrape, seriesValue, waitForSeries } from "./helpers";

const workerEnv = env as unknown as Env;
const LIVE = 'lightrag_requests_total{method="GET",route="/health/live",status="200"}';
const LIVE_COUNT = 'lightrag_request_duration_seconds_count{method="GET",route="/health/live",status="200"}';

describe("/metrics", () => {
  it("counts N requests sent to the Worker as exactly N, with their durations", async () => {
    const before = seriesValue(await scrape(), LIVE);
    const beforeCount = seriesValue(await scrape(), LIVE_COUNT);
    const n = 40;
    const answers = await Promise.all(Array.from({ length: n }, () => SELF.fetch("http://x/health/live")));
    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect(await waitForSeries(LIVE, before + n)).toBe(before + n);
    expect(await waitForSeries(LIVE_COUNT, beforeCount + n)).toBe(beforeCount + n);
    // Nothing arrives late and overshoots.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seriesValue(await scrape(), LIVE)).toBe(before + n);
  });

  it("counts a request in the very next scrape: the isolate's pending window is sent first", async () => {
    const before = seriesValue(await scrape(), LIVE);
    const waiting = pendingRequests(); // the scrape itself, counted once it has answered
    // The tests' bindings set 0 ms windows (vitest.config.ts); these two requests keep the default.
    const app = createApp();
    const windowed = { ...env, METRICS_WINDOW_MS: "1000" };
    await app.request("http://x/health/live", {}, windowed, createExecutionContext());
    await app.request("http://x/health/live", {}, windowed, createExecutionContext());
    // Both are waiting in this isolate's window, not yet at the aggregator...
    expect(pendingRequests()).toBe(waiting + 2);
    // ...and one scrape, with no polling, counts them.
    expect(seriesValue(await scrape(), LIVE)).toBe(before + 2);
  });

  it("gives each label set its own histogram series, its keys built once and reused", () => {
    const batch = new Map<string, number>();
    const get = { route: "/x", method: "GET", status: "200" };
    const post = { route: "/x", method: "POST", status: "200" };
    observeDuration(batch, get, 0.003);
    observeDuration(batch, post, 0.2);
    observeDuration(batch, get, 0.03);
    const labels = 'method="GET",route="/x",status="200"';
    expect(batch.get(`lightrag_request_duration_seconds_bucket{le="0.005",${labels}}`)).toBe(1);
    expect(batch.get(`lightrag_request_duration_seconds_bucket{le="0.05",${labels}}`)).toBe(2);
    expect(batch.get(`lightrag_request_duration_seconds_bucket{le="+Inf",${labels}}`)).toBe(2);
    expect(batch.get(`lightrag_request_duration_seconds_count{${labels}}`)).toBe(2);
    expect(batch.get(`lightrag_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(0.033);
    const postLabels = 'method="POST",route="/x",status="200"';
    expect(batch.get(`lightrag_request_duration_seconds_bucket{le="0.1",${postLabels}}`)).toBeUndefined();
    expect(batch.get(`lightrag_request_duration_seconds_bucket{le="0.25",${postLabels}}`)).toBe(1);
  });

  it("labels by route template and counts unknown paths under one route", async () => {
    const series = 'lightrag_requests_total{method="GET",route="unmatched",status="404"}';
    const before = seriesValue(await scrape(), series);
    await SELF.fetch("http://x/no/such/path-1");
    await SELF.fetch("http://x/no/such/path-2");
    expect(await waitForSeries(series, before + 2)).toBe(before + 2);
    expect(await scrape()).not.toContain("path-1");
  });

  it("keeps cumulative histogram buckets consistent with the count", async () => {
    await SELF.fetch("http://x/health/live");
    await waitForSeries(LIVE_COUNT, 1);
    const text = await scrape();
    const labels = 'method="GET",route="/health/live",status="200"';
    const inf = seriesValue(text, `lightrag_request_duration_seconds_bucket{le="+Inf",${labels}}`);
    expect(inf).toBe(seriesValue(text, `lightrag_request_duration_seconds_count{${labels}}`));
    const small = seriesValue(text, `lightrag_request_duration_seconds_bucket{le="0.005",${labels}}`);
    expect(small).toBeLessThanOrEqual(inf);
    expect(seriesValue(text, `lightrag_request_duration_seconds_sum{${labels}}`)).toBeGreaterThanOrEqual(0);
  });

  it("adds counters of background work (queue consumer, cron) to the same totals", async () => {
    const series = 'lightrag_documents_processed_total{status="processed",workspace="metrics_test"}';
    const before = seriesValue(await scrape(), series);
    const ctx = createExecutionContext();
    const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
    for (let i = 0; i < 3; i++) {
      countMetricWithEnv(workerEnv, waitUntil, "lightrag_documents_processed_total", {
        status: "processed",
        workspace: "metrics_test",
        not_a_label: "dropped",
      });
    }
    await waitOnExecutionContext(ctx);
    const text = await scrape();
    expect(seriesValue(text, series)).toBe(before + 3);
    expect(text).not.toContain("not_a_label");
  });

  it("counts audit events by type and outcome", async () => {
    const series = 'lightrag_audit_events_total{event_type="system",outcome="failure"}';
    const before = seriesValue(await scrape(), series);
    const ctx = createExecutionContext();
    auditSystem(await testRuntime(ctx), {
      event_type: "system",
      event_action: "config_refused",
      outcome: "failure",
    });
    await waitOnExecutionContext(ctx);
    expect(seriesValue(await scrape(), series)).toBe(before + 1);
  });

  it("sums shards and the in-flight requests of isolates that reported recently", async () => {
    const id = crypto.randomUUID();
    await env.METRICS.get(env.METRICS.idFromName("metrics-3")).add({
      samples: [['lightrag_cache_hits_total{cache="shard_test"}', 2]],
      isolate: { id, active: 5 },
    });
    await sendMetricBatch(workerEnv, { samples: [['lightrag_cache_hits_total{cache="shard_test"}', 1]] });
    const { samples, active } = await readAggregate(workerEnv);
    expect(samples.get('lightrag_cache_hits_total{cache="shard_test"}')).toBe(3);
    expect(active).toBeGreaterThanOrEqual(5);
    expect(seriesValue(await scrape(), "lightrag_active_requests")).toBeGreaterThanOrEqual(5);
  });

  it("answers valid Prometheus text with HELP and TYPE for every exported metric", async () => {
    const res = await SELF.fetch("http://x/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of exportedMetricNames()) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toMatch(new RegExp(`# TYPE ${name} (counter|gauge|histogram)\\n`));
    }
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|\+Inf|NaN)$/;
    for (const line of text.trim().split("\n")) {
      if (!line.startsWith("#")) expect(line).toMatch(sample);
    }
    expect(text).toContain('lightrag_pipeline_busy{workspace="default"} 0');
    expect(text).toContain('lightrag_dependency_up{dependency="d1"} 1');
    expect(text).toContain('lightrag_dependency_up{dependency="metrics"} 1');
  });
});

/** A METRICS namespace whose shards record the batches they are given. */
function recordingMetrics(): { env: Pick<Env, "METRICS">; added: MetricBatchMessage[] } {
  const added: MetricBatchMessage[] = [];
  const namespace = {
    idFromName: (name: string) => name,
    get: () => ({
      add: async (batch: MetricBatchMessage) => {
        added.push(batch);
      },
    }),
  };
  return { env: { METRICS: namespace as unknown as Env["METRICS"] }, added };
}

describe("request metrics coalesced per isolate (metrics-buffer)", () => {
  const KEY = 'lightrag_requests_total{method="GET",route="/x",status="200"}';
  const one = () => new Map([[KEY, 1]]);

  it("sends many requests' samples as one summed batch when the aggregate is read", async () => {
    await flushRequestMetrics(workerEnv); // a window the Worker's own requests left open
    const { env: fake, added } = recordingMetrics();
    const background: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) queueRequestMetrics(fake, one(), (p) => background.push(p));
    expect(added).toHaveLength(0);
    expect(background).toHaveLength(1); // only the window's opener waits for its timer
    await flushRequestMetrics(fake);
    expect(added).toHaveLength(1);
    expect(added[0]?.samples).toEqual([[KEY, 5]]);
    expect(added[0]?.isolate?.id).toBeTypeOf("string");
    // The opener's timer finds its window already sent: nothing twice.
    await Promise.all(background);
    expect(added).toHaveLength(1);
  });

  it("sends a full window at once, and an idle one after FLUSH_AFTER_MS through the opener's waitUntil", async () => {
    await flushRequestMetrics(workerEnv);
    const { env: fake, added } = recordingMetrics();
    const background: Promise<unknown>[] = [];
    for (let i = 0; i < FLUSH_AT_REQUESTS; i++) queueRequestMetrics(fake, one(), (p) => background.push(p));
    expect(pendingRequests()).toBe(0);
    await background[1]; // the full window's send
    expect(added.map((batch) => batch.samples)).toEqual([[[KEY, FLUSH_AT_REQUESTS]]]);
    const started = Date.now();
    queueRequestMetrics(fake, one(), (p) => background.push(p));
    await Promise.all(background);
    expect(Date.now() - started).toBeGreaterThanOrEqual(FLUSH_AFTER_MS - 50);
    expect(added.map((batch) => batch.samples)).toEqual([[[KEY, FLUSH_AT_REQUESTS]], [[KEY, 1]]]);
  });

  it("puts counters of work inside an entry point (LLM tokens after an answer) in the window; outside one they go at once", async () => {
    await flushRequestMetrics(workerEnv);
    const { env: fake, added } = recordingMetrics();
    const fakeEnv = fake as unknown as Env;
    const labels = { workspace: "w", model: "m", kind: "prompt" };
    const waitUntil = (_p: Promise<unknown>) => undefined;
    await runInInvocation(waitUntil, async () => {
      countMetricWithEnv(fakeEnv, waitUntil, "lightrag_llm_tokens_total", labels, 12);
      countMetricWithEnv(fakeEnv, waitUntil, "lightrag_llm_tokens_total", labels, 3);
      await new Promise((resolve) => setTimeout(resolve, 10)); // the batch's tick
    });
    expect(added).toHaveLength(0);
    expect(pendingRequests()).toBe(0); // samples, not a request
    await flushRequestMetrics(fake);
    expect(added).toHaveLength(1);
    expect(added[0]?.samples).toHaveLength(1);
    expect(added[0]?.samples[0]?.[1]).toBe(15);
    const ctx = createExecutionContext();
    countMetricWithEnv(fakeEnv, (p) => ctx.waitUntil(p), "lightrag_llm_tokens_total", labels, 4);
    await waitOnExecutionContext(ctx);
    expect(added.map((batch) => batch.samples[0]?.[1])).toEqual([15, 4]);
  });
});
