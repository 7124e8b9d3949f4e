/**
 * Provider-fault benchmark (issue 18, item 6): ingests a corpus (docs-1mb by default) through
 * `wrangler dev --local` while the stub LLM server (tools/stub-llm) answers the primary LLM,
 * a fallback LLM and the embedding provider with waves of faults: 429 with Retry-After (under
 * and over LLM_RETRY_MAX_MS), 500s, hangs past the deadline and malformed answers. Then asks
 * for the failed documents again (`POST /documents/reprocess_failed`, what an operator or the
 * queue retry does) and prints: documents processed and failed per round (none may be lost),
 * requests per provider and fault kind as the stub counted them, the engine's calls from
 * `GET /admin/llm/usage`, the attempts per engine call against what the retries allow, and
 * the circuit states seen on `GET /admin/llm/status`.
 *
 *   BENCH_DATA=/work/shared/bench-data npx tsx bench/provider-faults.ts
 *   npx tsx bench/provider-faults.ts --limit 40 --waves 3 --port 9841
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, startLocalWorker } from "../scripts/lib/dev-server";
import { Api } from "../test/node/fault-helpers";
import { startStubServer } from "../tools/stub-llm/server.mjs";

const { values } = parseArgs({
  options: {
    corpus: { type: "string", default: "docs-1mb" },
    port: { type: "string", default: "9841" },
    limit: { type: "string", default: "0" },
    /** Fault waves, one every `wave-seconds` while ingestion runs. */
    waves: { type: "string", default: "6" },
    "wave-seconds": { type: "string", default: "5" },
    "latency-ms": { type: "string", default: "50" },
    retries: { type: "string", default: "2" },
    "timeout-minutes": { type: "string", default: "20" },
  },
});
const DATA = process.env.BENCH_DATA ?? path.resolve(ROOT, "..", "shared", "bench-data");
const RETRIES = Number(values.retries);
const WORKSPACE = "provider_faults";
const SCOPES = { primary: "pf-primary", fallback: "pf-fallback", embed: "pf-embed" } as const;

interface Fault {
  kind: string;
  retryAfter?: number;
  times: number;
}

/** One wave per provider: what each sees at once, then healthy answers until the next wave. */
const WAVES: Record<keyof typeof SCOPES, Fault[]> = {
  primary: [
    { kind: "429", retryAfter: 1, times: 10 },
    { kind: "429", retryAfter: 60, times: 10 },
    { kind: "500", times: 15 },
    { kind: "hang", times: 4 },
    { kind: "malformed", times: 4 },
  ],
  fallback: [
    { kind: "500", times: 3 },
    { kind: "429", retryAfter: 1, times: 2 },
  ],
  embed: [
    { kind: "429", retryAfter: 1, times: 4 },
    { kind: "500", times: 6 },
    { kind: "hang", times: 2 },
    { kind: "malformed", times: 3 },
  ],
};

function loadCorpus(name: string): { text: string; source: string }[] {
  const dir = path.join(DATA, name);
  return readdirSync(dir)
    .filter((file) => file !== "SOURCE.md" && file !== "MANIFEST.tsv")
    .sort()
    .map((file) => ({ text: readFileSync(path.join(dir, file), "utf8"), source: file }));
}

interface StubRequest {
  path: string;
  fault?: string;
}

async function stubLog(url: string, scope: string): Promise<StubRequest[]> {
  const res = await fetch(`${url}/s/${scope}/__stub/requests`);
  return ((await res.json()) as { requests: StubRequest[] }).requests;
}

async function inject(url: string, scope: string, faults: Fault[]): Promise<void> {
  await fetch(`${url}/s/${scope}/__stub/faults`, { method: "POST", body: JSON.stringify({ faults }) });
}

function byFault(requests: StubRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) out[r.fault ?? "ok"] = (out[r.fault ?? "ok"] ?? 0) + 1;
  return out;
}

async function statusCounts(api: Api): Promise<Record<string, number>> {
  const body = await api.call<{ status_counts: Record<string, number> }>(
    WORKSPACE,
    "/documents/status_counts",
  );
  return body.status_counts;
}

async function waitSettled(api: Api, total: number, deadline: number, onTick: () => Promise<void>) {
  for (;;) {
    const counts = await statusCounts(api);
    if ((counts.processed ?? 0) + (counts.failed ?? 0) >= total) return counts;
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(counts)}`);
    await onTick();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const all = loadCorpus(values.corpus ?? "docs-1mb");
  const docs = Number(values.limit) > 0 ? all.slice(0, Number(values.limit)) : all;
  const stub = await startStubServer({ port: 0, latencyMs: Number(values["latency-ms"]), requireKey: false });
  const host = (scope: string) => `${stub.url}/s/${scope}/v1`;
  const worker = await startLocalWorker({
    port: Number(values.port),
    label: "bench-provider-faults",
    logLevel: "error",
    vars: {
      LOG_LEVEL: "ERROR",
      AUDIT_LOGGING_ENABLED: "false",
      RATE_LIMIT_ENABLED: "false",
      LLM_BINDING: "openai",
      LLM_MODEL: "stub",
      LLM_BINDING_HOST: host(SCOPES.primary),
      LLM_BINDING_API_KEY: "bench",
      LLM_FALLBACKS: `openai|stub-fallback|${host(SCOPES.fallback)}`,
      OPENAI_API_KEY: "bench",
      EMBEDDING_BINDING: "openai",
      EMBEDDING_MODEL: "stub-embed",
      EMBEDDING_BINDING_HOST: host(SCOPES.embed),
      EMBEDDING_BINDING_API_KEY: "bench",
      LLM_MAX_RETRIES: String(RETRIES),
      LLM_RETRY_BASE_MS: "50",
      LLM_RETRY_MAX_MS: "2000",
      LLM_TIMEOUT: "2",
      EMBEDDING_TIMEOUT: "2",
      LLM_BREAKER_THRESHOLD: "5",
      LLM_BREAKER_COOLDOWN: "2",
      ENABLE_LLM_CACHE: "false",
      ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    },
  });
  const api = new Api(worker.base);
  const circuits = new Set<string>();
  const watchCircuits = async () => {
    try {
      const status = await api.call<{ roles: Record<string, { circuit: string }[]> }>(
        WORKSPACE,
        "/admin/llm/status",
      );
      for (const links of Object.values(status.roles)) {
        for (const [i, link] of links.entries())
          circuits.add(`${i === 0 ? "primary" : "fallback"}:${link.circuit}`);
      }
    } catch {
      // the status route is best effort while the isolate is busy
    }
  };
  try {
    const started = Date.now();
    const deadline = started + Number(values["timeout-minutes"]) * 60_000;
    let waves = 0;
    let lastWave = 0;
    const storm = async () => {
      await watchCircuits();
      if (waves >= Number(values.waves) || Date.now() - lastWave < Number(values["wave-seconds"]) * 1000)
        return;
      waves++;
      lastWave = Date.now();
      await Promise.all(
        (Object.keys(SCOPES) as (keyof typeof SCOPES)[]).map((k) => inject(stub.url, SCOPES[k], WAVES[k])),
      );
    };
    await storm();
    for (let i = 0; i < docs.length; i += 200) {
      const slice = docs.slice(i, i + 200);
      await api.insert(
        WORKSPACE,
        slice.map((d) => d.text),
        slice.map((d) => d.source),
      );
    }
    const first = await waitSettled(api, docs.length, deadline, storm);
    const firstSeconds = (Date.now() - started) / 1000;
    let final = first;
    // Retry rounds, as the queue's retries or an operator would run them, once the storm is over.
    let retryRounds = 0;
    while ((final.failed ?? 0) > 0 && retryRounds < 3) {
      retryRounds++;
      const before = final.failed ?? 0;
      await api.call(WORKSPACE, "/documents/reprocess_failed", { method: "POST" });
      // Counted settled again only once the failed documents have been picked up.
      const pickedUp = Date.now() + 60_000;
      for (;;) {
        const counts = await statusCounts(api);
        if ((counts.failed ?? 0) < before || Date.now() > pickedUp) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      final = await waitSettled(api, docs.length, deadline, watchCircuits);
    }
    const reasons = (await api.docs(WORKSPACE))
      .filter((d) => d.status === "failed")
      .map((d) => d.error_msg ?? "(no reason)");
    const [primary, fallback, embed] = await Promise.all([
      stubLog(stub.url, SCOPES.primary),
      stubLog(stub.url, SCOPES.fallback),
      stubLog(stub.url, SCOPES.embed),
    ]);
    const usage = await api.call<{ totals: { calls: number; errors: number } }>(
      WORKSPACE,
      "/admin/llm/usage",
    );
    const chat = (list: StubRequest[]) => list.filter((r) => r.path.includes("chat"));
    const engineCalls = usage.totals.calls + usage.totals.errors;
    const attempts = chat(primary).length + chat(fallback).length;
    console.log(
      JSON.stringify(
        {
          corpus: values.corpus,
          docs: docs.length,
          waves,
          first_round: { seconds: Number(firstSeconds.toFixed(1)), ...first },
          retry_rounds: retryRounds,
          after_retry: { seconds: Number(((Date.now() - started) / 1000).toFixed(1)), ...final },
          lost: docs.length - (final.processed ?? 0) - (final.failed ?? 0),
          failed_without_reason: reasons.filter((r) => r === "(no reason)").length,
          failure_reasons: [...new Set(reasons)].slice(0, 5),
          stub_requests: {
            primary: byFault(chat(primary)),
            fallback: byFault(chat(fallback)),
            embedding: byFault(embed),
          },
          engine_calls_from_usage: usage.totals,
          attempts_per_engine_call: engineCalls > 0 ? Number((attempts / engineCalls).toFixed(2)) : null,
          attempts_allowed_per_engine_call: (1 + RETRIES) * 2,
          circuits_seen: [...circuits].sort(),
        },
        null,
        2,
      ),
    );
  } finally {
    worker.stop();
    await stub.close();
  }
}

await main();
