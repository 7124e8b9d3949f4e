/**
 * Ingestion benchmark: starts `wrangler dev --local`, posts a corpus through
 * `POST /documents/texts` and waits until every document is processed. Prints documents/s,
 * chunks/s, LLM calls and the workerd memory high-water mark, as medians over rounds (each
 * round in a fresh workspace, after one warm-up round that builds the tokenizer).
 *
 * With `--llm stub` the LLM is the stub OpenAI-compatible server (tools/stub-llm) with
 * `--latency-ms` per call, and the LLM-concurrency efficiency is printed:
 * (calls × latency / LLM_MAX_ASYNC) ÷ wall time.
 *
 *   npx tsx bench/ingest.ts --corpus docs-1mb --llm local --rounds 3
 *   npx tsx bench/ingest.ts --corpus docs-1mb --llm stub --latency-ms 200 --rounds 1
 *   npx tsx bench/ingest.ts --corpus hotpotqa --llm local
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, startLocalWorker } from "../scripts/lib/dev-server";
import { startStubServer } from "../tools/stub-llm/server.mjs";

const { values } = parseArgs({
  options: {
    corpus: { type: "string", default: "docs-1mb" },
    llm: { type: "string", default: "local" },
    "latency-ms": { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "4" },
    "per-request": { type: "string", default: "200" },
    port: { type: "string", default: "9781" },
    limit: { type: "string", default: "0" },
    "log-file": { type: "string", default: "" },
  },
});
const DATA = path.resolve(ROOT, "..", "shared", "bench-data");
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const LATENCY = Number(values["latency-ms"]);
const CONCURRENCY = Number(values.concurrency);
const PER_REQUEST = Number(values["per-request"]);
const STUB_SCOPE = "bench";

interface Doc {
  text: string;
  source: string;
}

function loadCorpus(name: string): Doc[] {
  if (name === "hotpotqa") {
    const corpus = JSON.parse(readFileSync(path.join(DATA, "hotpotqa", "corpus.json"), "utf8")) as Record<
      string,
      string[]
    >;
    return Object.entries(corpus).map(([title, sentences]) => ({
      text: sentences.join(""),
      source: `${title}.txt`,
    }));
  }
  const dir = path.join(DATA, "docs-1mb");
  return readdirSync(dir)
    .filter((file) => file !== "SOURCE.md" && file !== "MANIFEST.tsv")
    .sort()
    .map((file) => ({ text: readFileSync(path.join(dir, file), "utf8"), source: file }));
}

/** Resident memory (MiB) of `pid` and all its descendants, from /proc. */
function treeRssMiB(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      rss.set(Number(entry), Number(fields[21]) * 4096);
    } catch {
      // process ended while reading
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop() as number;
    total += rss.get(current) ?? 0;
    stack.push(...(children.get(current) ?? []));
  }
  return total / (1024 * 1024);
}

async function post(workspace: string, pathName: string, body: unknown) {
  const res = await fetch(`${BASE}${pathName}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${pathName} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function counts(workspace: string): Promise<Record<string, number>> {
  // The isolate answering HTTP also runs the CPU-bound consumer; a slow answer is retried.
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${BASE}/documents/status_counts`, {
        headers: { "LIGHTRAG-WORKSPACE": workspace },
        signal: AbortSignal.timeout(3_000),
      });
      return ((await res.json()) as { status_counts: Record<string, number> }).status_counts;
    } catch (error) {
      if (attempt >= 40) throw error;
    }
  }
}

async function chunkTotal(workspace: string): Promise<number> {
  let total = 0;
  for (let page = 1; ; page++) {
    const body = await post(workspace, "/documents/paginated", { page, page_size: 200 });
    const docs = body.documents as { chunks_count: number | null }[];
    total += docs.reduce((sum, doc) => sum + (doc.chunks_count ?? 0), 0);
    if (!(body.pagination as { has_next: boolean }).has_next) return total;
  }
}

async function stubCalls(stubUrl: string): Promise<number> {
  const res = await fetch(`${stubUrl}/s/${STUB_SCOPE}/__stub/requests`);
  const { requests } = (await res.json()) as { requests: { path?: string; url?: string }[] };
  return requests.filter((r) => /chat\/completions/.test(r.path ?? r.url ?? "")).length;
}

interface Round {
  seconds: number;
  docs: number;
  chunks: number;
  calls: number;
  failed: number;
  peakMiB: number;
}

async function ingestRound(docs: Doc[], workspace: string, pid: number, stubUrl?: string): Promise<Round> {
  const callsBefore = stubUrl ? await stubCalls(stubUrl) : 0;
  let peak = treeRssMiB(pid);
  const started = performance.now();
  for (let i = 0; i < docs.length; i += PER_REQUEST) {
    const slice = docs.slice(i, i + PER_REQUEST);
    await post(workspace, "/documents/texts", {
      texts: slice.map((d) => d.text),
      file_sources: slice.map((d) => d.source),
    });
  }
  let done: Record<string, number> = {};
  while (true) {
    done = await counts(workspace);
    peak = Math.max(peak, treeRssMiB(pid));
    if ((done.processed ?? 0) + (done.failed ?? 0) >= docs.length) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const calls = stubUrl ? (await stubCalls(stubUrl)) - callsBefore : 0;
  return {
    seconds,
    docs: docs.length,
    chunks: await chunkTotal(workspace),
    calls,
    failed: done.failed ?? 0,
    peakMiB: peak,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const all = loadCorpus(values.corpus ?? "docs-1mb");
  const docs = Number(values.limit) > 0 ? all.slice(0, Number(values.limit)) : all;
  const stub =
    values.llm === "stub"
      ? await startStubServer({ port: 0, latencyMs: LATENCY, requireKey: false })
      : undefined;
  const vars: Record<string, string> = {
    LLM_MAX_ASYNC: String(CONCURRENCY),
    LOG_LEVEL: values["log-file"] ? "DEBUG" : "ERROR",
    AUDIT_LOGGING_ENABLED: "false",
  };
  if (stub) {
    Object.assign(vars, {
      LLM_BINDING: "openai",
      LLM_MODEL: "stub",
      LLM_BINDING_HOST: `${stub.url}/s/${STUB_SCOPE}/v1`,
      LLM_BINDING_API_KEY: "bench",
      ENABLE_LLM_CACHE: "false",
      ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    });
  }
  const worker = await startLocalWorker({
    port: PORT,
    vars,
    label: "bench-ingest",
    logFile: values["log-file"] || undefined,
  });
  try {
    const warm = await ingestRound(
      [{ text: "Warm-up: Ada Lovelace met Charles Babbage in London.", source: "warmup.txt" }],
      "bench_warmup",
      worker.pid,
      stub?.url,
    );
    console.log(`warm-up (tokenizer build, first isolate): ${warm.seconds.toFixed(2)} s`);
    const rounds: Round[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      const result = await ingestRound(docs, `bench_r${round}_${Date.now() % 100000}`, worker.pid, stub?.url);
      rounds.push(result);
      const efficiency = stub ? (result.calls * (LATENCY / 1000)) / CONCURRENCY / result.seconds : Number.NaN;
      console.log(
        `round ${round + 1}: ${result.docs} docs, ${result.chunks} chunks in ${result.seconds.toFixed(2)} s; ` +
          `${result.failed} failed; LLM calls ${result.calls}; peak RSS ${result.peakMiB.toFixed(0)} MiB` +
          (stub ? `; efficiency ${efficiency.toFixed(3)}` : ""),
      );
    }
    const wall = median(rounds.map((r) => r.seconds));
    const sample = rounds[0] as Round;
    console.log(
      `\ncorpus ${values.corpus} (${sample.docs} documents, ${sample.chunks} chunks), LLM ${values.llm}` +
        (stub ? ` @ ${LATENCY} ms, LLM_MAX_ASYNC=${CONCURRENCY}` : ""),
    );
    console.log(`median wall time     ${wall.toFixed(2)} s over ${rounds.length} round(s)`);
    console.log(`documents/s          ${(sample.docs / wall).toFixed(1)}`);
    console.log(`chunks/s             ${(sample.chunks / wall).toFixed(1)}`);
    console.log(`LLM calls            ${median(rounds.map((r) => r.calls))}`);
    console.log(`peak RSS (workerd)   ${median(rounds.map((r) => r.peakMiB)).toFixed(0)} MiB`);
    if (stub) {
      const efficiency = median(rounds.map((r) => (r.calls * (LATENCY / 1000)) / CONCURRENCY / r.seconds));
      console.log(
        `LLM efficiency       ${efficiency.toFixed(3)}  ((calls × ${LATENCY} ms / ${CONCURRENCY}) ÷ wall)`,
      );
    }
  } finally {
    worker.stop();
    await stub?.close();
  }
}

await main();
