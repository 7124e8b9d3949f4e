/**
 * Evidence recall on the HotpotQA sample (../shared/bench-data/hotpotqa, see its SOURCE.md):
 * every passage is ingested as one document named after its title; for each question and
 * mode, `/query/data` returns chunks, and the supporting titles found among the chunks' files
 * are counted. Prints per mode the share of supporting passages retrieved (evidence recall),
 * the share of questions with all of them retrieved (all-found), chunks per question and the
 * client round trip p50/p95 of `/query/data`, beside LightRAG 1.5.7's figures measured with
 * the same deterministic extraction (issue 17). LightRAG's default top_k 40 and chunk_top_k 20.
 *
 * `--extractor local` (default) extracts with the offline local LLM of `npm start`;
 * `--extractor stub` with the stub OpenAI-compatible server (tools/stub-llm, no latency), which
 * then also answers the keyword calls. Both are deterministic, so the figures reproduce.
 *
 *   npx tsx bench/retrieval.ts
 *   npx tsx bench/retrieval.ts --extractor stub --port 9821
 *   npx tsx bench/retrieval.ts --chunk-top-k 10 --questions 50 --modes naive,ppr
 *   npx tsx bench/retrieval.ts --mix-ppr off      # mix exactly as LightRAG's (QUERY_MIX_PPR=false)
 *   npx tsx bench/retrieval.ts --rerank local     # RERANK_BINDING for the run (default: off)
 *   npx tsx bench/retrieval.ts --pick WEIGHT      # KG_CHUNK_PICK_METHOD (default: VECTOR)
 */
import { readFileSync } from "node:fs";
import { get } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { startStubServer } from "../tools/stub-llm/server.mjs";
import { BenchServer, DATA, type Doc, median, percentile } from "./query-server";

const { values } = parseArgs({
  options: {
    questions: { type: "string", default: "100" },
    "chunk-top-k": { type: "string", default: "20" },
    "top-k": { type: "string", default: "40" },
    port: { type: "string", default: "9793" },
    rerank: { type: "string", default: "null" },
    pick: { type: "string", default: "VECTOR" },
    extractor: { type: "string", default: "local" },
    modes: { type: "string", default: "naive,local,global,hybrid,mix,ppr" },
    "mix-ppr": { type: "string", default: "" },
  },
});

interface Question {
  question: string;
  supporting_facts: [string, number][];
}

/** LightRAG 1.5.7 on the same sample with the deterministic extraction (issue 17): recall / all-found. */
const LIGHTRAG: Record<string, [number, number]> = {
  naive: [0.405, 0.18],
  local: [0.505, 0.25],
  global: [0.23, 0.1],
  hybrid: [0.455, 0.25],
  mix: [0.465, 0.27],
};
/** This service before issue 17 (the issue's own figures, stub extraction). */
const BEFORE: Record<string, [number, number]> = {
  naive: [0.405, 0.18],
  local: [0.52, 0.27],
  global: [0.22, 0.08],
  hybrid: [0.475, 0.24],
  mix: [0.49, 0.27],
};
const SUFFIX = ".txt";
const STUB_SCOPE = "retrieval";

function corpus(): Doc[] {
  const passages = JSON.parse(readFileSync(path.join(DATA, "hotpotqa", "corpus.json"), "utf8")) as Record<
    string,
    string[]
  >;
  return Object.entries(passages).map(([title, sentences]) => ({
    text: sentences.join(""),
    source: `${title}${SUFFIX}`,
  }));
}

/** Resolves once every document is processed or failed, or nothing moved for 10 minutes (polled each 2 s). */
async function allProcessed(
  base: string,
  workspace: string,
  total: number,
): Promise<{ seconds: number; failed: number; processed: number }> {
  const started = performance.now();
  let last = -1;
  let lastMove = started;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const counts = await new Promise<Record<string, number> | null>((resolve) => {
      const request = get(
        `${base}/documents/status_counts`,
        { headers: { "LIGHTRAG-WORKSPACE": workspace }, timeout: 10_000 },
        (res) => {
          let text = "";
          res.on("data", (piece: Buffer) => {
            text += piece.toString();
          });
          res.on("end", () => {
            try {
              resolve((JSON.parse(text) as { status_counts: Record<string, number> }).status_counts);
            } catch {
              resolve(null);
            }
          });
        },
      );
      request.on("timeout", () => request.destroy());
      request.on("error", () => resolve(null));
    });
    const processed = counts?.processed ?? 0;
    const failed = counts?.failed ?? 0;
    if (processed + failed !== last) {
      last = processed + failed;
      lastMove = performance.now();
    }
    if ((counts && processed + failed >= total) || performance.now() - lastMove > 600_000)
      return { seconds: (performance.now() - started) / 1000, failed, processed };
  }
}

const pair = (figures: [number, number] | undefined) =>
  figures ? `${figures[0].toFixed(3)}/${figures[1].toFixed(2)}` : "-";

async function main(): Promise<void> {
  const qa = (JSON.parse(readFileSync(path.join(DATA, "hotpotqa", "qa.json"), "utf8")) as Question[]).slice(
    0,
    Number(values.questions),
  );
  const extractor = values.extractor === "stub" ? "stub" : "local";
  const stub =
    extractor === "stub" ? await startStubServer({ port: 0, latencyMs: 0, requireKey: false }) : null;
  const server = new BenchServer(Number(values.port));
  // `--mix-ppr on|off` overrides QUERY_MIX_PPR; empty keeps the configured default.
  const mixPpr: Record<string, string> = values["mix-ppr"]
    ? { QUERY_MIX_PPR: values["mix-ppr"] === "on" ? "true" : "false" }
    : {};
  const overrides = { ...mixPpr, RERANK_BINDING: values.rerank, KG_CHUNK_PICK_METHOD: values.pick };
  await server.start(
    stub
      ? {
          ...overrides,
          LLM_BINDING: "openai",
          LLM_MODEL: "stub",
          LLM_BINDING_HOST: `${stub.url}/s/${STUB_SCOPE}/v1`,
          LLM_BINDING_API_KEY: "bench",
        }
      : overrides,
  );
  try {
    const workspace = "bench_hotpotqa";
    const docs = corpus();
    // On a loaded machine a status poll of `ingest` was once left hanging with no socket open,
    // and others died with a reset socket: a second, plain node:http poll ends the wait when
    // every document is done (or nothing moved for 10 minutes, longer than a queue batch was seen to take; the counts below then show it).
    const ingest = await Promise.race([
      server.ingest(workspace, docs).catch((error: unknown) => {
        console.error(`ingest's own poll failed (${String(error)}); waiting on the plain poll`);
        return new Promise<never>(() => {});
      }),
      allProcessed(server.base, workspace, docs.length),
    ]);
    console.log(
      `hotpotqa: ${docs.length} passages ingested in ${ingest.seconds.toFixed(1)} s (${ingest.processed} processed, ${ingest.failed} failed); ${qa.length} questions; extractor ${extractor}`,
    );
    console.log(
      `top_k ${values["top-k"]}, chunk_top_k ${values["chunk-top-k"]}, QUERY_MIX_PPR ${values["mix-ppr"] || "default"}, KG_CHUNK_PICK_METHOD ${values.pick}, RERANK_BINDING ${values.rerank}`,
    );
    console.log(
      "mode     recall  all-found  chunks/q  client p50  client p95  LightRAG 1.5.7  before (issue 17)",
    );
    const results: Record<string, { recall: number; complete: number }> = {};
    for (const mode of (values.modes ?? "").split(",").filter(Boolean)) {
      let found = 0;
      let wanted = 0;
      let complete = 0;
      let chunkTotal = 0;
      const times: number[] = [];
      for (const item of qa) {
        const supporting = new Set(item.supporting_facts.map(([title]) => title));
        const started = performance.now();
        const body = await server.post<{ data: { chunks?: { file_path: string }[] } }>(
          workspace,
          "/query/data",
          {
            query: item.question,
            mode,
            top_k: Number(values["top-k"]),
            chunk_top_k: Number(values["chunk-top-k"]),
          },
        );
        times.push(performance.now() - started);
        const chunks = body.data.chunks ?? [];
        chunkTotal += chunks.length;
        const retrieved = new Set(chunks.map((chunk) => chunk.file_path.replace(/\.txt$/, "")));
        const hits = [...supporting].filter((title) => retrieved.has(title)).length;
        found += hits;
        wanted += supporting.size;
        if (hits === supporting.size) complete++;
      }
      results[mode] = { recall: found / wanted, complete: complete / qa.length };
      console.log(
        `${mode.padEnd(8)} ${(found / wanted).toFixed(3).padStart(6)}  ${(complete / qa.length).toFixed(3).padStart(9)}  ${(chunkTotal / qa.length).toFixed(1).padStart(8)}  ${median(times).toFixed(1).padStart(7)} ms  ${percentile(times, 0.95).toFixed(1).padStart(7)} ms  ${pair(LIGHTRAG[mode]).padStart(14)}  ${pair(BEFORE[mode]).padStart(17)}`,
      );
    }
    const naive = results.naive;
    const mix = results.mix;
    if (naive && mix) {
      console.log(
        `mix vs naive: passages ${(mix.recall / naive.recall).toFixed(3)}x, complete questions ${(mix.complete / Math.max(naive.complete, 1e-9)).toFixed(3)}x`,
      );
    }
  } finally {
    server.stop();
    await stub?.close();
  }
}

await main();
