/**
 * Soak: ingestion of new, updated (deleted, then inserted with new text under the same name)
 * and deleted documents, interleaved with queries of every mode, for `--minutes` against
 * `wrangler dev --local`. Once a minute: a full GC, then the isolate's retained heap and the
 * local runtime's RSS. At the end it waits until nothing is pending or processing and checks:
 *   1. memory flat after warm-up (the series is printed; the last third's retained heap may not
 *      exceed the first post-warm-up minute's by more than --heap-slack-mib),
 *   2. no document pending/processing, none failed, and exactly the surviving names present,
 *   3. a fresh ingestion of the surviving texts into a second workspace gives the same document
 *      and chunk counts, the same entities and relations (names, and content hashes of the graph)
 *      and the same retrieval (entities, relations and chunks of /query/data for sample questions,
 *      which exercises the vector indexes).
 * Exit code 1 when a check fails.
 *
 *   npx tsx bench/soak.ts                     # 30 minutes
 *   npx tsx bench/soak.ts --minutes 10
 *   npx tsx bench/soak.ts --minutes 2 --warmup 1   # a quick try
 *   npx tsx bench/soak.ts --step-ms 500            # faster churn (default: one step per 2 s + 5 queries)
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { devFetch } from "../scripts/lib/dev-fetch";
import { Inspector, retainedHeap } from "./lib/inspector";
import { processTree } from "./lib/procs";
import { BenchServer, type Doc, docsCorpus } from "./query-server";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    port: { type: "string", default: "9856" },
    "initial-docs": { type: "string", default: "30" },
    "heap-slack-mib": { type: "string", default: "8" },
    seed: { type: "string", default: "4" },
    "step-ms": { type: "string", default: "2000" },
  },
});
const WS = "soak";
const FRESH = "soak_fresh";
const MiB = 2 ** 20;
const MODES = ["naive", "local", "global", "hybrid", "mix"];

let seed = Number(values.seed);
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;

interface Listed {
  id: string;
  file_path: string;
  status: string;
  chunks_count: number | null;
}

class Client {
  constructor(private readonly server: BenchServer) {}

  /**
   * `send`, again on a reset connection (wrangler dev's proxy resets some while a queue batch
   * runs; inserts deduplicate identical content and a deletion sent twice finds nothing: 404).
   */
  async call<T>(workspace: string, method: string, route: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send<T>(workspace, method, route, body);
      } catch (error) {
        const reset = error instanceof TypeError && String(error.message).includes("fetch failed");
        const gone = attempt > 1 && method === "DELETE" && String(error).includes("answered 404");
        if (gone) return {} as T;
        if (!reset || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async send<T>(workspace: string, method: string, route: string, body?: unknown): Promise<T> {
    // wrangler dev parks a read that arrives while a queue batch runs until the next request:
    // reads are sent again after 5 s (see scripts/lib/dev-fetch.ts); writes wait as long as it takes.
    const read = method === "GET" || route === "/documents/paginated" || route === "/query/data";
    const res = await devFetch(
      `${this.server.base}${route}`,
      {
        method,
        headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      read ? { timeoutMs: 5_000, attempts: 1_000, quiet: true } : {},
    );
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  async list(workspace: string): Promise<Listed[]> {
    const out: Listed[] = [];
    for (let page = 1; ; page++) {
      const body = await this.call<{ documents: Listed[]; pagination: { has_next: boolean } }>(
        workspace,
        "POST",
        "/documents/paginated",
        { page, page_size: 200 },
      );
      out.push(...body.documents);
      if (!body.pagination.has_next) return out;
    }
  }

  async counts(workspace: string): Promise<Record<string, number>> {
    return (
      await this.call<{ status_counts: Record<string, number> }>(workspace, "GET", "/documents/status_counts")
    ).status_counts;
  }

  insert(workspace: string, docs: Doc[]): Promise<unknown> {
    return this.call(workspace, "POST", "/documents/texts", {
      texts: docs.map((d) => d.text),
      file_sources: docs.map((d) => d.source),
    });
  }
}

/** Waits until nothing is pending or processing (and no deletion runs); false after `stallSeconds` without progress. */
async function settle(
  client: Client,
  workspace: string,
  expected: number,
  stallSeconds = 300,
): Promise<boolean> {
  let last = "";
  let moved = Date.now();
  for (;;) {
    const counts = await client.counts(workspace);
    const key = JSON.stringify(counts);
    if (key !== last) {
      last = key;
      moved = Date.now();
    }
    if ((counts.pending ?? 0) + (counts.processing ?? 0) === 0 && (counts.all ?? 0) === expected) return true;
    if (Date.now() - moved > stallSeconds * 1000) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const sha = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);

interface GraphBody {
  nodes: { id: string; labels?: string[]; properties?: Record<string, unknown> }[];
  edges: { source: string; target: string; properties?: Record<string, unknown> }[];
  is_truncated?: boolean;
}

async function fingerprint(client: Client, workspace: string, questions: string[]) {
  const docs = await client.list(workspace);
  const graph = await client.call<GraphBody>(
    workspace,
    "GET",
    "/graphs?label=*&max_depth=100&max_nodes=1000000",
  );
  const names = graph.nodes.map((n) => n.id).sort();
  const pairs = graph.edges.map((e) => [e.source, e.target].sort().join(" -> ")).sort();
  const nodeContent = graph.nodes
    .map(
      (n) => `${n.id}|${String(n.properties?.entity_type ?? "")}|${String(n.properties?.description ?? "")}`,
    )
    .sort();
  const edgeContent = graph.edges
    .map(
      (e) =>
        `${[e.source, e.target].sort().join("|")}|${String(e.properties?.description ?? "")}|${String(e.properties?.keywords ?? "")}`,
    )
    .sort();
  const retrieval: string[] = [];
  for (const query of questions) {
    for (const mode of ["naive", "mix"]) {
      const body = await client.call<{
        data: {
          entities?: { entity_name: string }[];
          relationships?: { src_id: string; tgt_id: string }[];
          chunks?: { content: string }[];
        };
      }>(workspace, "POST", "/query/data", { query, mode });
      retrieval.push(
        sha({
          e: (body.data.entities ?? []).map((e) => e.entity_name).sort(),
          r: (body.data.relationships ?? []).map((r) => [r.src_id, r.tgt_id].sort().join("|")).sort(),
          c: (body.data.chunks ?? []).map((c) => c.content).sort(),
        }),
      );
    }
  }
  return {
    documents: docs.length,
    chunks: docs.reduce((sum, d) => sum + (d.chunks_count ?? 0), 0),
    entities: names.length,
    relations: pairs.length,
    truncated: graph.is_truncated === true,
    names: sha(names),
    relationPairs: sha(pairs),
    entityContent: sha(nodeContent),
    relationContent: sha(edgeContent),
    retrieval: sha(retrieval),
  };
}

async function main(): Promise<void> {
  const server = new BenchServer(Number(values.port));
  await server.start({ MAX_GRAPH_NODES: "1000000" }, "bench-soak");
  const client = new Client(server);
  const inspector = await Inspector.connect(server.inspectorPort);
  const problems: string[] = [];
  try {
    // A pool of distinct documents: docs-1mb and tagged copies of it.
    const pool = docsCorpus(3);
    let next = 0;
    const live = new Map<string, Doc>();
    const initial = pool.slice(0, Number(values["initial-docs"]));
    next = initial.length;
    await client.insert(WS, initial);
    for (const d of initial) live.set(d.source, d);
    const questions = pool.slice(0, 5).map((d) => `What does ${d.source.replace(/\.\w+$/, "")} describe?`);

    const series: { minute: number; heapMiB: number; rssMiB: number; docs: number }[] = [];
    const ops = { inserted: initial.length, updated: 0, deleted: 0, queries: 0 };
    const started = Date.now();
    const end = started + Number(values.minutes) * 60_000;
    let nextSample = started;
    let version = 0;
    while (Date.now() < end) {
      if (Date.now() >= nextSample) {
        const heap = await retainedHeap(inspector);
        const rss = processTree(server.pid).reduce((sum, p) => sum + p.rssBytes, 0);
        series.push({
          minute: (Date.now() - started) / 60_000,
          heapMiB: heap.used / MiB,
          rssMiB: rss / MiB,
          docs: live.size,
        });
        nextSample += 60_000;
      }
      const step = rand();
      const processed = (await client.list(WS)).filter((d) => d.status === "processed");
      if (step < 0.4) {
        // Past the pool, documents come back as new editions (new names, new text).
        const fresh = [0, 1].map((k) => {
          const base = pool[(next + k) % pool.length] as Doc;
          const edition = Math.floor((next + k) / pool.length);
          return edition === 0
            ? base
            : { source: `e${edition}_${base.source}`, text: `${base.text}\n\nEdition ${edition}.` };
        });
        next += fresh.length;
        await client.insert(WS, fresh);
        for (const d of fresh) live.set(d.source, d);
        ops.inserted += fresh.length;
      } else if (step < 0.65 && processed.length > 0) {
        // An update: the old version is deleted, then the new text is inserted under the same name.
        const target = pick(processed);
        const old = live.get(target.file_path);
        if (old) {
          await client.call(WS, "DELETE", "/documents/delete_document", { doc_ids: [target.id] });
          await waitGone(client, target.id);
          version++;
          const updated = {
            source: old.source,
            text: `${old.text}\n\nRevision ${version}: Margaret Hamilton reviewed this page.`,
          };
          await client.insert(WS, [updated]);
          live.set(old.source, updated);
          ops.updated++;
        }
      } else if (processed.length > 10) {
        const target = pick(processed);
        await client.call(WS, "DELETE", "/documents/delete_document", { doc_ids: [target.id] });
        live.delete(target.file_path);
        ops.deleted++;
      }
      await new Promise((resolve) => setTimeout(resolve, Number(values["step-ms"])));
      for (let q = 0; q < 5; q++) {
        await client.call(WS, "POST", "/query", {
          query: pick(questions),
          mode: pick(MODES),
          only_need_context: true,
        });
        ops.queries++;
      }
    }
    console.log(`soak: ${values.minutes} min; ${JSON.stringify(ops)}; ${live.size} documents should survive`);
    const settled = await settle(client, WS, live.size);
    const counts = await client.counts(WS);
    console.log(`status counts after the soak: ${JSON.stringify(counts)}`);
    if (!settled)
      problems.push(
        `documents still pending/processing or count not ${live.size}: ${JSON.stringify(counts)}`,
      );
    if ((counts.failed ?? 0) > 0) problems.push(`${counts.failed} document(s) failed`);
    const names = (await client.list(WS)).map((d) => d.file_path).sort();
    if (sha(names) !== sha([...live.keys()].sort()))
      problems.push("the surviving document names differ from the expected ones");

    console.log("\nminute  retained heap MiB (after GC)  runtime RSS MiB  live docs");
    for (const s of series)
      console.log(
        `${s.minute.toFixed(1).padStart(6)}  ${s.heapMiB.toFixed(1).padStart(27)}  ${s.rssMiB.toFixed(0).padStart(15)}  ${String(s.docs).padStart(9)}`,
      );
    const after = series.filter((s) => s.minute >= Number(values.warmup));
    if (after.length >= 3) {
      const first = (after[0] as { heapMiB: number }).heapMiB;
      const tail = after.slice(Math.floor((after.length * 2) / 3));
      const worst = Math.max(...tail.map((s) => s.heapMiB));
      const slack = Number(values["heap-slack-mib"]);
      console.log(
        `retained heap after warm-up: first ${first.toFixed(1)} MiB, last third max ${worst.toFixed(1)} MiB (slack ${slack} MiB)`,
      );
      if (worst > first + slack)
        problems.push(`retained heap grew ${first.toFixed(1)} -> ${worst.toFixed(1)} MiB`);
    } else console.log("memory: too few post-warm-up samples to judge (run longer)");

    await client.insert(FRESH, [...live.values()]);
    if (!(await settle(client, FRESH, live.size))) problems.push("fresh ingestion did not finish");
    const soaked = await fingerprint(client, WS, questions);
    const fresh = await fingerprint(client, FRESH, questions);
    console.log("\n                  soaked            fresh");
    for (const key of Object.keys(soaked) as (keyof typeof soaked)[]) {
      const same = soaked[key] === fresh[key];
      console.log(
        `${key.padEnd(16)}  ${String(soaked[key]).padEnd(16)}  ${String(fresh[key]).padEnd(16)} ${same ? "" : "DIFFERENT"}`,
      );
      if (!same) problems.push(`${key} differs: ${soaked[key]} vs ${fresh[key]}`);
    }
  } finally {
    inspector.close();
    server.stop();
  }
  if (problems.length > 0) {
    console.log(`\nSOAK FAILED:\n- ${problems.join("\n- ")}`);
    process.exitCode = 1;
  } else console.log("\nSOAK PASSED");
}

/** Until the document `id` is gone from the workspace (its deletion ran). */
async function waitGone(client: Client, id: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const docs = await client.list(WS);
    if (!docs.some((d) => d.id === id)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`document ${id} was not deleted within 150 s`);
}

await main();
