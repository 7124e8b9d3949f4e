/**
 * Query latency per mode with `only_need_context`, over HTTP against `wrangler dev --local`
 * (local LLM and embedder, D1 and the local vector index). Prints p50/p95 of the server time
 * (`response_time` of `/query`) and of the client round trip, per mode, and the ratio to
 * LightRAG's published p95.
 *
 *   npx tsx bench/query.ts --copies 1 --queries 100      # docs-1mb (~300 chunks)
 *   npx tsx bench/query.ts --copies 10 --queries 100     # the same ten times over (10x)
 *   npx tsx bench/query.ts --phases                      # also the mean and p95 of each Server-Timing phase
 *   npx tsx bench/query.ts --graph-index off             # graph look-ups from D1 (as while the copy is stale)
 *   npx tsx bench/query.ts --mix-ppr on                  # mix with the PPR chunk ranking (QUERY_MIX_PPR)
 *   npx tsx bench/query.ts --backend pg --copies 10      # Postgres + pgvector (local Postgres of .ci/services)
 *
 * `--backend pg` runs the Worker with STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector on the local
 * Postgres (PG_LOCAL_PORT / PG_LOCAL_WS_PORT, default 5433 / 5434), migrated first, in a fresh
 * workspace (the database is shared). PGlite runs one statement at a time: its figures are for
 * comparing code paths, not a real Postgres (docs/postgres.md).
 */
import { parseArgs } from "node:util";
import {
  BenchServer,
  docsCorpus,
  median,
  percentile,
  postgresVars,
  questions,
  waitForGraphIndex,
} from "./query-server";

const { values } = parseArgs({
  options: {
    copies: { type: "string", default: "1" },
    queries: { type: "string", default: "100" },
    port: { type: "string", default: "9791" },
    phases: { type: "boolean", default: false },
    "graph-index": { type: "string", default: "on" },
    "mix-ppr": { type: "string", default: "" },
    backend: { type: "string", default: "d1" },
  },
});

/** LightRAG's p95 in ms for the same kind of query (from the brief). */
const LIGHTRAG_P95: Record<string, number> = { naive: 25, local: 70, global: 86, hybrid: 114, mix: 95 };
const MODES = ["naive", "local", "global", "hybrid", "mix", "ppr"];

async function main(): Promise<void> {
  const copies = Number(values.copies);
  const docs = docsCorpus(copies);
  const server = new BenchServer(Number(values.port));
  const pg = values.backend === "pg";
  // The graph index is D1's query-side copy; on Postgres queries read the graph there.
  const graphIndex = values["graph-index"] !== "off" && !pg;
  const vars: Record<string, string> = graphIndex ? {} : { GRAPH_INDEX_ENABLED: "false" };
  if (pg) Object.assign(vars, await postgresVars());
  if (values["mix-ppr"]) vars.QUERY_MIX_PPR = values["mix-ppr"] === "on" ? "true" : "false";
  await server.start(vars);
  try {
    const workspace = pg ? `bench_q${copies}_${Date.now().toString(36)}` : `bench_q${copies}`;
    const ingest = await server.ingest(workspace, docs);
    const counts = await server.post<{ data: unknown }>(workspace, "/query/data", {
      query: "warm up the tokenizer",
      mode: "naive",
    });
    void counts;
    const indexReady = graphIndex ? await waitForGraphIndex(server, workspace) : null;
    const chunks = await chunkCount(server, workspace);
    console.log(
      pg
        ? "backend: Postgres + pgvector (STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector, local PGlite)"
        : !graphIndex
          ? "graph index: off (GRAPH_INDEX_ENABLED=false); graph look-ups below read D1"
          : indexReady === null
            ? "graph index: still stale after 60 s; graph look-ups below read D1"
            : `graph index: serving ${indexReady.toFixed(1)} s after the first query (queries read D1 until then)`,
    );
    console.log(
      `corpus: docs-1mb x${copies}: ${docs.length} documents, ${chunks} chunks, ingested in ${ingest.seconds.toFixed(1)} s (${ingest.processed} processed, ${ingest.failed} failed)`,
    );
    const asked = questions(
      docs.slice(0, 107).map((d) => d.text),
      Number(values.queries),
    );
    const floor: number[] = [];
    for (let i = 0; i < 100; i++) {
      const started = performance.now();
      await (await fetch(`${server.base}/health/live`)).text();
      floor.push(performance.now() - started);
    }
    console.log(
      `round trip of GET /health/live (no I/O, the floor of any client time): p50 ${fmt(median(floor))}, p95 ${fmt(percentile(floor, 0.95))}`,
    );
    console.log(
      "mode     server p50  server p95  client p50  client p95  LightRAG p95  p95 ratio (ours/LightRAG)",
    );
    for (const mode of MODES) {
      for (const query of asked.slice(0, 10)) await ask(server, workspace, query, mode); // warm-up
      const server_ms: number[] = [];
      const client_ms: number[] = [];
      const phases = new Map<string, number[]>();
      for (const query of asked) {
        const started = performance.now();
        const answer = await ask(server, workspace, query, mode);
        client_ms.push(performance.now() - started);
        server_ms.push(answer.body.response_time * 1000);
        for (const [name, ms] of answer.phases) phases.set(name, [...(phases.get(name) ?? []), ms]);
      }
      const p95 = percentile(server_ms, 0.95);
      console.log(
        `${mode.padEnd(8)} ${fmt(median(server_ms))}  ${fmt(p95)}  ${fmt(median(client_ms))}  ${fmt(percentile(client_ms, 0.95))}  ${fmt(LIGHTRAG_P95[mode] ?? Number.NaN)}    ${(p95 / (LIGHTRAG_P95[mode] ?? 1)).toFixed(3)}`,
      );
      if (values.phases) {
        const parts = [...phases].map(
          ([name, ms]) =>
            `${name} ${mean(ms).toFixed(1)}/${percentile(ms, 0.95).toFixed(0)}${ms.length < asked.length ? ` (${ms.length} of ${asked.length} queries)` : ""}`,
        );
        console.log(`         phases mean/p95 ms: ${parts.join(", ")}`);
      }
    }
  } finally {
    server.stop();
  }
}

/** Phases are whole milliseconds (workerd's clock); their mean over many queries still resolves fractions. */
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;

async function ask(server: BenchServer, workspace: string, query: string, mode: string) {
  return server.postWithTiming<{ response: string; response_time: number }>(workspace, "/query", {
    query,
    mode,
    only_need_context: true,
  });
}

async function chunkCount(server: BenchServer, workspace: string): Promise<number> {
  let total = 0;
  for (let page = 1; ; page++) {
    const body = await server.post<{
      documents: { chunks_count: number | null }[];
      pagination: { has_next: boolean };
    }>(workspace, "/documents/paginated", { page, page_size: 200 });
    total += body.documents.reduce((sum, doc) => sum + (doc.chunks_count ?? 0), 0);
    if (!body.pagination.has_next) return total;
  }
}

await main();
