/**
 * Scale bench (issue 14, "Numbers to show"): per backend and per size of docs-1mb (1×, 10×, 100×
 * tagged copies, `docsCorpus`), ingests into a fresh Worker (`wrangler dev --local`, local LLM and
 * embedder) under a wall-clock cap, then times `/query` (`only_need_context`) per mode. Prints,
 * per size: ingest seconds (or, when the cap struck, how far it got and the rate), the workspace
 * (documents, chunks, entities, relations, vectors, MB of text), the isolate's heap (peak sampled
 * during ingest through the inspector, and retained after), the local Postgres' RSS, query p50/p95
 * per mode, the machine's load (`/proc/loadavg`) and what failed first. One markdown row per
 * size as soon as it is measured, so a killed run keeps what it had. A size the cap (or a
 * stall) stops is queried as it stands, after processing is switched off and the pipeline is
 * idle (`quiesce`); its row says "partial workspace" with the counts that were queried.
 *
 *   npx tsx bench/scale.ts --backend d1 --copies 1,10,100 --cap-minutes 20
 *   npx tsx bench/scale.ts --backend pg --copies 1,10,100 --cap-minutes 20   # starts its own PGlite per size
 *
 * `--backend pg` starts a private local Postgres (tools/pg-local, PGlite + pgvector) per size on
 * `--pg-port` / `--pg-port + 1` and stops it afterwards. PGlite runs one statement at a time
 * (docs/postgres.md): its figures are PGlite's limits, not Neon's. Every server this starts is
 * stopped on exit, SIGINT or SIGTERM.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { devFetch } from "../scripts/lib/dev-fetch";
import { ROOT } from "../scripts/lib/dev-server";
import { createPgPool } from "../src/storage/neon/client";
import { Inspector, retainedHeap } from "./lib/inspector";
import { processTree } from "./lib/procs";
import { BenchServer, docsCorpus, median, percentile, postgresVars, questions } from "./query-server";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "d1" },
    copies: { type: "string", default: "1,10,100" },
    "cap-minutes": { type: "string", default: "20" },
    queries: { type: "string", default: "30" },
    "query-cap-minutes": { type: "string", default: "5" },
    modes: { type: "string", default: "naive,local,global,hybrid,mix" },
    port: { type: "string", default: "9875" },
    "pg-port": { type: "string", default: "5463" },
  },
});

/** How long a capped run waits for its running batch to end before timing the queries anyway. */
const QUIESCE_SECONDS = 300;
/**
 * Without an LLM a batch's documents are merged together, so the processed count moves once
 * per batch of 200: on PGlite under load that took more than 300 s at 100× (0.6 docs/s).
 */
const STALL_SECONDS = 900;
const PG = values.backend === "pg";
const MODES = (values.modes ?? "").split(",").filter(Boolean);
const MiB = 1024 * 1024;
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], {
  cwd: ROOT,
  encoding: "utf8",
}).stdout.trim();

interface Workspace {
  documents: number;
  /** Documents whose status is `processed` (the others were posted but not, or not yet, processed). */
  processed: number;
  chunks: number;
  entities: number;
  relations: number;
  vectors: number;
}

interface Row {
  copies: number;
  docs: number;
  textMB: number;
  ingest: string;
  workspace: Workspace | null;
  heapPeakMiB: number;
  heapRetainedMiB: number;
  pgRssMiB: number;
  /** Resident memory of the local runtime (workerd): the index objects' WebAssembly memory is here, not in the heap. */
  workerdRssMiB: number;
  queries: Map<string, { p50: number; p95: number; n: number }>;
  failure: string;
  load: string;
  /** Set when the cap struck: how the workspace was made quiet before its queries were timed. */
  partial?: string;
}

let cleanup: (() => void)[] = [];
const stopAll = () => {
  for (const stop of cleanup.reverse()) stop();
  cleanup = [];
};
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });

/** A private PGlite server for one size, stopped by `stopAll`; resolves once it listens. */
async function startPgLocal(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "tools/pg-local/cli.mjs"), "--pg-port", String(port), "--ws-port", String(port + 1)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  cleanup.push(() => child.kill("SIGTERM"));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("pg-local did not start in 180 s")), 180_000);
    child.stdout?.on("data", (data: Buffer) => {
      if (String(data).includes("local Postgres on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`pg-local exited with ${code}`)));
  });
  process.env.PG_LOCAL_PORT = String(port);
  process.env.PG_LOCAL_WS_PORT = String(port + 1);
  return child;
}

/** Counts of the workspace: D1's SQLite file read directly, or the Postgres tables. */
async function workspaceCounts(
  server: BenchServer,
  workspace: string,
  vars: Record<string, string>,
): Promise<Workspace> {
  const tables = ["documents", "chunks", "entities", "relations"] as const;
  if (!PG) {
    const dir = path.join(server.persist, "v3", "d1", "miniflare-D1DatabaseObject");
    const file = readdirSync(dir).find((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
    if (!file) throw new Error(`no D1 database in ${dir}`);
    const sql =
      tables.map((t) => `select count(*) from ${t} where workspace = '${workspace}';`).join("") +
      `select count(*) from documents where workspace = '${workspace}' and status = 'processed';`;
    const out = spawnSync("sqlite3", ["-readonly", path.join(dir, file), sql], { encoding: "utf8" });
    const [documents, chunks, entities, relations, processed] = out.stdout.trim().split("\n").map(Number);
    // The local index keeps one vector per chunk, entity and relation (its objects are not readable here).
    const c = { documents, processed, chunks, entities, relations } as Record<string, number>;
    return {
      ...(c as Omit<Workspace, "vectors">),
      vectors: (chunks ?? 0) + (entities ?? 0) + (relations ?? 0),
    };
  }
  const pool = createPgPool({ connectionString: vars.DATABASE_URL ?? "", wsProxy: vars.PG_WS_PROXY });
  try {
    const count = async (table: string) =>
      Number(
        (await pool.query(`select count(*)::int as n from ${table} where workspace = $1`, [workspace]))
          .rows[0].n,
      );
    const [documents, chunks, entities, relations] = await Promise.all(tables.map(count));
    const processed = Number(
      (
        await pool.query(
          "select count(*)::int as n from documents where workspace = $1 and status = 'processed'",
          [workspace],
        )
      ).rows[0].n,
    );
    const vectors =
      (await count("vectors_chunks")) +
      (await count("vectors_entities")) +
      (await count("vectors_relations"));
    return { documents, processed, chunks, entities, relations, vectors } as Workspace;
  } finally {
    await pool.end();
  }
}

async function measure(copies: number, port: number, capSeconds: number): Promise<Row> {
  const docs = docsCorpus(copies);
  const textMB = docs.reduce((sum, d) => sum + Buffer.byteLength(d.text), 0) / 1e6;
  const row: Row = {
    copies,
    docs: docs.length,
    textMB,
    ingest: "",
    workspace: null,
    heapPeakMiB: 0,
    heapRetainedMiB: 0,
    pgRssMiB: 0,
    workerdRssMiB: 0,
    queries: new Map(),
    failure: "",
    load: load(),
  };
  let pgChild: ChildProcess | null = null;
  const vars: Record<string, string> = { MAX_GRAPH_NODES: "1000000" };
  if (PG) {
    pgChild = await startPgLocal(Number(values["pg-port"]));
    Object.assign(vars, await postgresVars());
  }
  const pgRss = () =>
    pgChild?.pid ? processTree(pgChild.pid).reduce((sum, p) => sum + p.rssBytes, 0) / MiB : 0;
  const server = new BenchServer(port);
  await server.start(vars, `bench-scale-${values.backend}-x${copies}`);
  cleanup.push(() => server.stop());
  const workspace = `scale_x${copies}`;
  let inspector: Inspector | null = null;
  let sampling = true;
  const sampler = (async () => {
    try {
      inspector = await Inspector.connect(server.inspectorPort);
    } catch {
      return; // no heap figures; the rest still measures
    }
    while (sampling) {
      try {
        const used = (await inspector.send<{ usedSize: number }>("Runtime.getHeapUsage", {}, 10_000))
          .usedSize;
        row.heapPeakMiB = Math.max(row.heapPeakMiB, used / MiB);
      } catch {
        // busy isolate: the next sample
      }
      row.pgRssMiB = Math.max(row.pgRssMiB, pgRss());
      const workerd = processTree(server.pid).filter((p) => p.comm === "workerd");
      row.workerdRssMiB = Math.max(row.workerdRssMiB, workerd.reduce((sum, p) => sum + p.rssBytes, 0) / MiB);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
  try {
    let lastPrint = 0;
    const result = await server.ingest(workspace, docs, STALL_SECONDS, {
      capSeconds,
      onProgress: (done, seconds) => {
        if (seconds - lastPrint < 60) return;
        lastPrint = seconds;
        console.log(
          `  x${copies}: ${done}/${docs.length} documents after ${seconds.toFixed(0)} s (load ${load()})`,
        );
      },
    });
    const done = result.processed + result.failed;
    const rate = (done / result.seconds).toFixed(2);
    row.ingest =
      done >= docs.length
        ? `${result.seconds.toFixed(0)} s (${rate} docs/s)`
        : `${done}/${docs.length} docs in ${result.seconds.toFixed(0)} s (${rate} docs/s)`;
    if (result.capped && done < docs.length)
      row.failure = `wall-clock cap ${+(capSeconds / 60).toFixed(2)} min (posted ${result.posted})`;
    else if (done < docs.length) row.failure = `stalled: nothing moved for ${STALL_SECONDS} s`;
    if (result.failed > 0) row.failure += ` ${result.failed} documents failed`;
    if (done >= docs.length) await timeQueries(server, workspace, docs, row);
    else if (done < docs.length) {
      // Queries on what the workspace holds at the cap (or the stall), on a quiet Worker: processing is
      // switched off and the running batch cancelled first, so the timings are not those of
      // requests held up by queue batches (wrangler dev parks them while a batch runs).
      row.partial = await quiesce(server, workspace);
      row.workspace = await workspaceCounts(server, workspace, vars);
      console.log(
        `  x${copies}: partial workspace for the queries: ${JSON.stringify(row.workspace)} (${row.partial})`,
      );
      await timeQueries(server, workspace, docs, row);
    }
  } catch (error) {
    row.failure ||= `${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
    console.log(`  x${copies} failed: ${row.failure}\n  server log tail:\n${server.logTail(1500)}`);
  } finally {
    try {
      row.workspace ??= await workspaceCounts(server, workspace, vars);
    } catch (error) {
      console.log(`  x${copies}: workspace not counted: ${String(error)}`);
    }
    sampling = false;
    await sampler;
    const open = inspector as Inspector | null;
    if (open) {
      try {
        row.heapRetainedMiB = (await retainedHeap(open)).used / MiB;
      } catch {
        // isolate gone
      }
      open.close();
    }
    row.load += ` → ${load()}`;
    stopAll();
  }
  return row;
}

/**
 * Makes a capped ingestion stop: `ENABLE_DOCUMENT_PROCESSING=false` (queued batches are then
 * acknowledged and their documents stay pending), the running batch cancelled, then waits (at
 * most `QUIESCE_SECONDS`) until the pipeline is idle. Returns what it did, for the row.
 */
async function quiesce(server: BenchServer, workspace: string): Promise<string> {
  const started = performance.now();
  const request = async (method: string, pathName: string, body?: unknown) => {
    const res = await devFetch(`${server.base}${pathName}`, {
      method,
      headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${pathName} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  await request("PUT", "/admin/flags", { ENABLE_DOCUMENT_PROCESSING: false });
  await request("POST", "/documents/cancel_pipeline");
  while (performance.now() - started < QUIESCE_SECONDS * 1000) {
    const status = await request("GET", "/documents/pipeline_status");
    if (status.busy === false) {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      return `processing switched off and the running batch asked to cancel; idle after ${seconds} s`;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return `processing switched off; still busy after ${QUIESCE_SECONDS} s: queries timed beside it`;
}

async function timeQueries(server: BenchServer, workspace: string, docs: { text: string }[], row: Row) {
  const asked = questions(
    docs.slice(0, 105).map((d) => d.text),
    Number(values.queries),
  );
  const capMs = Number(values["query-cap-minutes"]) * 60_000;
  for (const mode of MODES) {
    const started = performance.now();
    for (const query of asked.slice(0, 3)) await ask(server, workspace, query, mode); // warm-up
    const ms: number[] = [];
    for (const query of asked) {
      if (performance.now() - started > capMs) break;
      ms.push((await ask(server, workspace, query, mode)).response_time * 1000);
    }
    row.queries.set(mode, { p50: median(ms), p95: percentile(ms, 0.95), n: ms.length });
  }
}

async function ask(server: BenchServer, workspace: string, query: string, mode: string) {
  return server.post<{ response_time: number }>(workspace, "/query", {
    query,
    mode,
    only_need_context: true,
  });
}

function markdown(row: Row): string {
  const w = row.workspace;
  const size = w
    ? `${row.partial ? "partial workspace (queried as is): " : ""}${w.documents} docs (${w.processed} processed), ${w.chunks} chunks, ${w.entities} entities, ${w.relations} relations, ${w.vectors} vectors`
    : "—";
  const q = MODES.map((mode) => {
    const t = row.queries.get(mode);
    return t
      ? `${t.p50.toFixed(0)} / ${t.p95.toFixed(0)}${t.n < Number(values.queries) ? ` (n=${t.n})` : ""}`
      : "—";
  });
  const pg = PG ? ` ${row.pgRssMiB.toFixed(0)} |` : "";
  return `| ${row.copies}× (${row.docs} docs, ${row.textMB.toFixed(1)} MB) | ${row.ingest} | ${size} | ${row.heapPeakMiB.toFixed(0)} / ${row.heapRetainedMiB.toFixed(0)} | ${row.workerdRssMiB.toFixed(0)} |${pg} ${q.join(" | ")} | ${row.failure || "—"}${row.partial ? `; queries on the partial workspace: ${row.partial}` : ""} | ${row.load} |`;
}

async function main(): Promise<void> {
  const sizes = (values.copies ?? "1").split(",").map(Number);
  const capSeconds = Number(values["cap-minutes"]) * 60;
  console.log(
    `backend: ${PG ? "Postgres + pgvector (local PGlite, one per size)" : "D1 + local VectorIndex"}; commit ${commit}; ` +
      `cap ${values["cap-minutes"]} min per size; ${values.queries} queries per mode (server time, ms)`,
  );
  const header = `| size | ingest | workspace | isolate heap peak / retained (MiB) | workerd RSS peak (MiB) |${PG ? " PGlite RSS (MiB) |" : ""} ${MODES.map((m) => `${m} p50 / p95`).join(" | ")} | failed first | load (1/5/15 min, start → end) |`;
  const rows: string[] = [];
  for (const copies of sizes) {
    const row = await measure(copies, Number(values.port), capSeconds);
    rows.push(markdown(row));
    console.log(`${header}\n${header.replace(/[^|]+/g, " --- ")}\n${rows.join("\n")}`);
  }
}

try {
  await main();
} finally {
  stopAll();
}
