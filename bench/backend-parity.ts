/**
 * Same answers on every backend (issue 14, point 4): ingests the HotpotQA sample
 * (../shared/bench-data/hotpotqa) once on D1 + the local vector index and once on Postgres +
 * pgvector (the local Postgres of .ci/services), with the same deterministic extractor (the stub
 * OpenAI-compatible server, tools/stub-llm) and the configured local embedder, then compares:
 *
 * - the graph: every entity (type, description, source_id, file_path) and every relation
 *   (keywords, description, weight, source_id, file_path) of `GET /graphs?label=*` (creation
 *   times aside);
 * - `/query/data` per question and mode: the same chunks in the same order; the same chunks in
 *   another order counts as a tie, and so does a near-tie: different chunks because the two
 *   answers part at two items (entities, relations or chunks) whose cosine similarities are one
 *   score rounded differently by each backend's float32 arithmetic (|Δ| < 1e-6 recomputed in
 *   float64, bench/lib/parity-ties.ts; bench/parity-scores.ts prints each backend's own scores).
 *   Ties are reported, not failures.
 *
 * Prints the comparison and exits 1 on any difference (2 when a run could not complete).
 * `--reuse-d1 <dir>` queries the D1 workspace of an earlier run's `wrangler dev` state (copy
 * it first) instead of ingesting again; the Postgres side is always ingested.
 *
 *   bash .ci/services                                  # the local Postgres, once
 *   npx tsx bench/backend-parity.ts                    # 994 passages, 100 questions, 5 modes
 *   npx tsx bench/backend-parity.ts --docs 200 --questions 20 --modes naive,mix
 *   # exact pgvector search (HNSW indexes dropped) on a private local Postgres:
 *   node tools/pg-local/cli.mjs --pg-port 5443 --ws-port 5444 --max-connections 100000 &
 *   PG_LOCAL_PORT=5443 PG_LOCAL_WS_PORT=5444 npx tsx bench/backend-parity.ts --pg-exact
 *
 * `--lexical on` also fuses the lexical index, which ranks by design differently on each backend
 * (FTS5 bm25 on D1, ts_rank on Postgres): off by default. pgvector's HNSW search is approximate,
 * the local index exact: `--pg-exact` takes the approximation out (docs/postgres.md).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { devFetch } from "../scripts/lib/dev-fetch";
import { startStubServer } from "../tools/stub-llm/server.mjs";
import { type Answer, answerOf, NEAR_TIE, nearTie, type QueryData } from "./lib/parity-ties";
import { BenchServer, DATA, type Doc, postgresVars } from "./query-server";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "0" },
    questions: { type: "string", default: "100" },
    modes: { type: "string", default: "naive,local,global,hybrid,mix" },
    port: { type: "string", default: "9861" },
    "top-k": { type: "string", default: "40" },
    "chunk-top-k": { type: "string", default: "20" },
    "pg-exact": { type: "boolean", default: false },
    lexical: { type: "string", default: "off" },
    "reuse-d1": { type: "string" },
  },
});

interface Question {
  question: string;
}
interface WireNode {
  id: string;
  properties: Record<string, unknown>;
}
interface WireEdge {
  source: string;
  target: string;
  properties: Record<string, unknown>;
}
/** What one backend produced: the graph by key and the chunks of each (question, mode). */
interface RunResult {
  label: string;
  ingest: { seconds: number; processed: number; failed: number };
  entities: Map<string, string>;
  relations: Map<string, string>;
  answers: Map<string, Answer>;
}

function corpus(limit: number): Doc[] {
  const passages = JSON.parse(readFileSync(path.join(DATA, "hotpotqa", "corpus.json"), "utf8")) as Record<
    string,
    string[]
  >;
  const docs = Object.entries(passages).map(([title, sentences]) => ({
    text: sentences.join(""),
    source: `${title}.txt`,
  }));
  return limit > 0 ? docs.slice(0, limit) : docs;
}

/** A record's properties without its creation time, keys sorted: the text two backends must agree on. */
function canonical(properties: Record<string, unknown>): string {
  const { created_at: _created, ...rest } = properties;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1))));
}

async function run(
  label: string,
  vars: Record<string, string>,
  port: number,
  docs: Doc[],
  questions: Question[],
  modes: string[],
  reuse?: string,
): Promise<RunResult> {
  const server = new BenchServer(port);
  // The lexical index ranks differently by design (FTS5 bm25 on D1, ts_rank on Postgres,
  // docs/retrieval.md): off by default, so what is compared is what must be identical.
  const lexical = values.lexical === "on" ? "true" : "false";
  // The tie rule recomputes similarities with the local embedder at 384 dimensions: pinned.
  const embedder = { EMBEDDING_BINDING: "local", EMBEDDING_DIM: "384" };
  await server.start(
    { ...vars, ...embedder, MAX_GRAPH_NODES: "1000000", LEXICAL_SEARCH_ENABLED: lexical },
    `bench-parity-${label}`,
    reuse,
  );
  try {
    let workspace = `parity_${label}_${Date.now().toString(36)}`;
    let ingest: RunResult["ingest"];
    if (reuse) {
      ({ workspace, ingest } = reusedWorkspace(reuse));
      console.log(
        `${label}: reusing workspace ${workspace} of ${reuse} (${ingest.processed} processed, ${ingest.failed} failed); queried with this commit's code`,
      );
    } else {
      ingest = await server.ingest(workspace, docs, 600);
      console.log(
        `${label}: ${docs.length} passages in ${ingest.seconds.toFixed(1)} s (${ingest.processed} processed, ${ingest.failed} failed)`,
      );
    }
    const res = await readGraph(`${server.base}/graphs?label=*&max_nodes=1000000`, workspace);
    if (!res.ok) throw new Error(`${label}: GET /graphs answered ${res.status}`);
    const graph = (await res.json()) as { nodes: WireNode[]; edges: WireEdge[]; is_truncated: boolean };
    if (graph.is_truncated) throw new Error(`${label}: the graph read was truncated`);
    const entities = new Map(graph.nodes.map((node) => [node.id, canonical(node.properties)]));
    const relations = new Map(
      graph.edges.map((edge) => [`${edge.source} -> ${edge.target}`, canonical(edge.properties)]),
    );
    const answers = new Map<string, Answer>();
    for (const mode of modes) {
      for (const [i, item] of questions.entries()) {
        const body = await server.post<QueryData>(workspace, "/query/data", {
          query: item.question,
          mode,
          top_k: Number(values["top-k"]),
          chunk_top_k: Number(values["chunk-top-k"]),
        });
        answers.set(`${mode} #${i}`, answerOf(body));
      }
    }
    return { label, ingest, entities, relations, answers };
  } finally {
    server.stop();
  }
}

/**
 * The whole graph; a read that fails on the way (wrangler dev resets connections right after a
 * queue batch: scripts/lib/dev-fetch.ts) is sent again, twice at most, saying why. A GET only reads.
 */
async function readGraph(url: string, workspace: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await devFetch(url, { headers: { "LIGHTRAG-WORKSPACE": workspace } });
    } catch (error) {
      if (attempt >= 3) throw error;
      const cause = error instanceof Error && error.cause ? ` (${String(error.cause)})` : "";
      console.error(`GET /graphs failed: ${String(error)}${cause}; sending it again`);
    }
  }
}

/**
 * The one `parity_d1_*` workspace of an earlier D1 run's `wrangler dev` state (its directory
 * stays after a killed run; copy it first, the server writes to it), with its document counts.
 */
function reusedWorkspace(persist: string): { workspace: string; ingest: RunResult["ingest"] } {
  const dir = path.join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database in ${dir}`);
  const out = spawnSync(
    "sqlite3",
    [
      "-readonly",
      path.join(dir, file),
      "select workspace, sum(status = 'processed'), sum(status = 'failed') from documents where workspace like 'parity_d1_%' group by workspace",
    ],
    { encoding: "utf8" },
  );
  const rows = out.stdout.trim().split("\n").filter(Boolean);
  if (rows.length !== 1)
    throw new Error(`expected one parity_d1_* workspace in ${file}, found ${rows.length}`);
  const [workspace = "", processed, failed] = (rows[0] ?? "").split("|");
  return { workspace, ingest: { seconds: 0, processed: Number(processed), failed: Number(failed) } };
}

/** Keys only one side has, and keys whose values differ. */
function diff(a: Map<string, string>, b: Map<string, string>) {
  const onlyA = [...a.keys()].filter((key) => !b.has(key));
  const onlyB = [...b.keys()].filter((key) => !a.has(key));
  const changed = [...a.keys()].filter((key) => b.has(key) && a.get(key) !== b.get(key));
  return { onlyA, onlyB, changed };
}

function report(name: string, a: RunResult, b: RunResult, which: "entities" | "relations"): number {
  const { onlyA, onlyB, changed } = diff(a[which], b[which]);
  const problems = onlyA.length + onlyB.length + changed.length;
  console.log(
    `${name.padEnd(10)} ${String(a[which].size).padStart(7)} ${String(b[which].size).padStart(7)}  only ${a.label}: ${onlyA.length}, only ${b.label}: ${onlyB.length}, different: ${changed.length}  ${problems === 0 ? "IDENTICAL" : "DIFFERENT"}`,
  );
  for (const key of onlyA.slice(0, 3)) console.log(`  only ${a.label}: ${key}`);
  for (const key of onlyB.slice(0, 3)) console.log(`  only ${b.label}: ${key}`);
  for (const key of changed.slice(0, 3))
    console.log(
      `  ${key}\n    ${a.label}: ${a[which].get(key)?.slice(0, 300)}\n    ${b.label}: ${b[which].get(key)?.slice(0, 300)}`,
    );
  return problems;
}

async function main(): Promise<number> {
  let postgres: Record<string, string>;
  try {
    postgres = await postgresVars({ exact: values["pg-exact"] });
  } catch (error) {
    console.error(String(error));
    return 2;
  }
  const docs = corpus(Number(values.docs));
  const questions = (
    JSON.parse(readFileSync(path.join(DATA, "hotpotqa", "qa.json"), "utf8")) as Question[]
  ).slice(0, Number(values.questions));
  const modes = (values.modes ?? "").split(",").filter(Boolean);
  const stub = await startStubServer({ port: 0, latencyMs: 0, requireKey: false });
  const llm = (scope: string) => ({
    LLM_BINDING: "openai",
    LLM_MODEL: "stub",
    LLM_BINDING_HOST: `${stub.url}/s/${scope}/v1`,
    LLM_BINDING_API_KEY: "bench",
  });
  const port = Number(values.port);
  let d1: RunResult;
  let pg: RunResult;
  try {
    d1 = await run(
      "d1",
      { ...llm("parity-d1"), STORAGE_BACKEND: "d1", VECTOR_BACKEND: "local" },
      port,
      docs,
      questions,
      modes,
      values["reuse-d1"],
    );
    pg = await run("pg", { ...llm("parity-pg"), ...postgres }, port + 1, docs, questions, modes);
  } catch (error) {
    // undici's "fetch failed" says why only in its cause.
    console.error(
      String(error),
      error instanceof Error && error.cause ? `(cause: ${String(error.cause)})` : "",
    );
    return 2;
  } finally {
    await stub.close();
  }
  if (
    d1.ingest.failed + pg.ingest.failed > 0 ||
    d1.ingest.processed !== docs.length ||
    pg.ingest.processed !== docs.length
  ) {
    console.error(
      "ingestion did not complete on both backends: the comparison below is of what was processed",
    );
  }
  console.log(`\n            ${"d1".padStart(7)} ${"pg".padStart(7)}`);
  let problems = report("entities", d1, pg, "entities") + report("relations", d1, pg, "relations");
  console.log(
    `\n/query/data: ${questions.length} questions x ${modes.length} modes, chunk_top_k ${values["chunk-top-k"]}`,
  );
  console.log(
    `a near-tie: the backends part where two items' cosine similarities differ by < ${NEAR_TIE} (float32 rounding of one score; recomputed in float64 below)`,
  );
  console.log("mode      same  ties(order)  near-ties  different");
  let nearTies = 0;
  for (const mode of modes) {
    let same = 0;
    let ties = 0;
    const near: string[] = [];
    const different: string[] = [];
    for (const [key, answer] of d1.answers) {
      if (!key.startsWith(`${mode} #`)) continue;
      const chunks = answer.chunks;
      const other = pg.answers.get(key);
      const otherChunks = other?.chunks ?? [];
      if (JSON.stringify(chunks) === JSON.stringify(otherChunks)) same++;
      else if (JSON.stringify([...chunks].sort()) === JSON.stringify([...otherChunks].sort())) ties++;
      else {
        const question = questions[Number(key.split("#")[1])]?.question ?? "";
        const why = other ? nearTie(answer, other, question) : null;
        if (why) near.push(`${key}: ${why}`);
        else different.push(key);
      }
    }
    console.log(
      `${mode.padEnd(8)} ${String(same).padStart(5)}  ${String(ties).padStart(11)}  ${String(near.length).padStart(9)}  ${String(different.length).padStart(9)}`,
    );
    for (const line of near) console.log(`  near-tie ${line}`);
    for (const key of different.slice(0, 3)) {
      const a = d1.answers.get(key)?.chunks ?? [];
      const b = new Set(pg.answers.get(key)?.chunks ?? []);
      const missing = a.filter((id) => !b.has(id));
      console.log(`  ${key}: ${a.length} vs ${b.size} chunks, ${missing.length} of d1's not in pg's`);
    }
    nearTies += near.length;
    problems += different.length;
  }
  console.log(
    problems === 0
      ? `\nPARITY: identical graph and chunks${nearTies > 0 ? ` (ties aside: ${nearTies} near-ties of float32 rounding)` : ""}`
      : `\nPARITY FAILED: ${problems} differences`,
  );
  return problems === 0 ? 0 : 1;
}

process.exit(await main());
