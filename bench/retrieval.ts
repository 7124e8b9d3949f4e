/**
 * Evidence recall on the HotpotQA sample (../shared/bench-data/hotpotqa, see its SOURCE.md):
 * every passage is ingested as one document named after its title; for each question and
 * mode, `/query/data` returns chunks, and the supporting titles found among the chunks' files
 * are counted. Prints per mode the share of supporting passages retrieved and the share of
 * questions with all of them retrieved (local LLM and embedder, LightRAG's default top_k 40 and
 * chunk_top_k 20).
 *
 *   npx tsx bench/retrieval.ts
 *   npx tsx bench/retrieval.ts --chunk-top-k 10 --questions 50
 *   npx tsx bench/retrieval.ts --rerank local          # RERANK_BINDING for the run (default: off)
 *   npx tsx bench/retrieval.ts --pick WEIGHT           # KG_CHUNK_PICK_METHOD (default: VECTOR)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BenchServer, DATA, type Doc } from "./query-server";

const { values } = parseArgs({
  options: {
    questions: { type: "string", default: "100" },
    "chunk-top-k": { type: "string", default: "20" },
    "top-k": { type: "string", default: "40" },
    port: { type: "string", default: "9793" },
    rerank: { type: "string", default: "null" },
    pick: { type: "string", default: "VECTOR" },
  },
});

interface Question {
  question: string;
  supporting_facts: [string, number][];
}

const MODES = ["naive", "local", "global", "hybrid", "mix"];
const SUFFIX = ".txt";

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

async function main(): Promise<void> {
  const qa = (JSON.parse(readFileSync(path.join(DATA, "hotpotqa", "qa.json"), "utf8")) as Question[]).slice(
    0,
    Number(values.questions),
  );
  const server = new BenchServer(Number(values.port));
  await server.start({ RERANK_BINDING: values.rerank, KG_CHUNK_PICK_METHOD: values.pick });
  try {
    const workspace = "bench_hotpotqa";
    const docs = corpus();
    const ingest = await server.ingest(workspace, docs);
    console.log(
      `hotpotqa: ${docs.length} passages ingested in ${ingest.seconds.toFixed(1)} s (${ingest.processed} processed, ${ingest.failed} failed); ${qa.length} questions`,
    );
    console.log(
      `top_k ${values["top-k"]}, chunk_top_k ${values["chunk-top-k"]}, KG_CHUNK_PICK_METHOD ${values.pick}, RERANK_BINDING ${values.rerank}`,
    );
    console.log("mode     passages retrieved  questions complete  chunks/question");
    const results: Record<string, { recall: number; complete: number }> = {};
    for (const mode of MODES) {
      let found = 0;
      let wanted = 0;
      let complete = 0;
      let chunkTotal = 0;
      for (const item of qa) {
        const supporting = new Set(item.supporting_facts.map(([title]) => title));
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
        `${mode.padEnd(8)} ${(found / wanted).toFixed(3).padStart(18)}  ${(complete / qa.length).toFixed(3).padStart(18)}  ${(chunkTotal / qa.length).toFixed(1).padStart(15)}`,
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
  }
}

await main();
