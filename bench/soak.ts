/**
 * Soak: ingestion of new, updated (deleted, then inserted with new text under the same name)
 * and deleted documents, interleaved with queries of every mode, for `--minutes` against
 * `wrangler dev --local`. Once a minute: a full GC, then the isolate's retained heap and the
 * local runtime's RSS. At the end it waits until nothing is pending or processing and checks:
 *   1. memory flat after warm-up. Locally one isolate holds the Worker and every Durable Object
 *      (both workspaces' graph index copies with their in-memory BM25, the vector rows, caches),
 *      so even after a full GC a sample depends on which copies happen to be loaded or being
 *      rebuilt: the 30-minute run of 2026-12-06 swung between 40 and 71 MiB with no trend. A
 *      leak shows as a rising floor and a positive trend; and since each workspace's vectors and
 *      BM25 postings live in memory by design, the churn keeps the live set near --live-docs
 *      (a set growing from 56 to 264 documents added 17 MiB of array buffers by the heap
 *      snapshots, which no flatness check can tell from a leak). Over the post-warm-up samples:
 *      (a) the minimum of the last third may exceed the minimum of the first third by at most
 *      --heap-slack-mib (8), and (b) the slope of the floor (the line through
 *      each fifth's minimum, so one spike does not move it) may be at most
 *      --heap-slope-mib-per-hour (16). Why 16 MiB/h: it is the smallest trend a 30-minute run
 *      can tell from the oscillation (that run's standard error of the slope was 13.2 MiB/h,
 *      σ 8.9 MiB around the line over 27 samples spanning 0.45 h), it matches the floor slack
 *      (8 MiB over the ~0.5 h between the thirds), and a leak of 16 MiB/h would fill the
 *      ~88 MiB between the measured floor (~40 MiB) and a production isolate's 128 MB in about
 *      5.5 h of constant churn, well within an isolate's life. Slower leaks need a longer soak
 *      (the slope's error falls as the run's span to the power 1.5). --snapshots adds two heap
 *      snapshots (first post-warm-up sample, last minute) and prints the constructors whose
 *      shallow size grew most between them.
 *   2. no document pending/processing, none failed, and exactly the surviving names present,
 *   3. a fresh ingestion of the surviving texts into a second workspace gives the same document
 *      and chunk counts, the same entities and relations (names, and content hashes of the graph)
 *      and the same retrieval (entities, relations and chunks of /query/data for sample questions,
 *      which exercises the vector indexes). Retrieval is compared only once neither workspace's
 *      answers carry `graph_from_d1` in Server-Timing: while a graph index copy is stale after a
 *      write, BM25 look-ups fall back to D1's FTS5, whose statistics span the whole database and
 *      whose ties go by rowid, so the two workspaces would rank differently for that alone. On a
 *      difference it prints the question, mode, part (entities / relations / chunks) and the
 *      first item only one side has.
 * Exit code 1 when a check fails.
 *
 *   npx tsx bench/soak.ts                     # 30 minutes
 *   npx tsx bench/soak.ts --minutes 10
 *   npx tsx bench/soak.ts --minutes 2 --warmup 1   # a quick try
 *   npx tsx bench/soak.ts --step-ms 500            # faster churn (default: one step per 2 s + 5 queries)
 *   npx tsx bench/soak.ts --initial-docs 60 --live-docs 100   # the live set the churn reverts to
 *   npx tsx bench/soak.ts --minutes 6 --warmup 1 --snapshots   # which constructors grow
 * From a copy outside the checkout (so edits do not reload wrangler) set
 * BENCH_DATA=/work/shared/bench-data (bench/query-server.ts).
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { devFetch } from "../scripts/lib/dev-fetch";
import { type NameTotal, shallowByName, takeSnapshot } from "./lib/heap-snapshot";
import { memoryVerdict } from "./lib/heap-trend";
import { Inspector, retainedHeap } from "./lib/inspector";
import { processTree } from "./lib/procs";
import { BenchServer, type Doc, docsCorpus } from "./query-server";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    port: { type: "string", default: "9856" },
    "initial-docs": { type: "string", default: "60" },
    "live-docs": { type: "string", default: "" },
    "heap-slack-mib": { type: "string", default: "8" },
    "heap-slope-mib-per-hour": { type: "string", default: "16" },
    snapshots: { type: "boolean", default: false },
    "fresh-timeout-s": { type: "string", default: "240" },
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

interface QueryData {
  data: {
    entities?: { entity_name: string }[];
    relationships?: { src_id: string; tgt_id: string }[];
    chunks?: { content: string }[];
  };
}

/** The marker of a look-up the graph index object could not serve (docs/observability.md). */
const FROM_D1 = "graph_from_d1";

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
    return (await this.sendWithTiming<T>(workspace, method, route, body)).body;
  }

  /** `/query/data` with its `Server-Timing` header (which says whether D1 served a look-up). */
  async queryData(
    workspace: string,
    query: string,
    mode: string,
  ): Promise<{ body: QueryData; timing: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendWithTiming<QueryData>(workspace, "POST", "/query/data", { query, mode });
      } catch (error) {
        const reset = error instanceof TypeError && String(error.message).includes("fetch failed");
        if (!reset || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async sendWithTiming<T>(
    workspace: string,
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ body: T; timing: string }> {
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
    return { body: JSON.parse(text) as T, timing: res.headers.get("server-timing") ?? "" };
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
  const retrieval: Retrieved[] = [];
  let fromD1 = 0;
  for (const query of questions) {
    for (const mode of ["naive", "mix"]) {
      const { body, timing } = await client.queryData(workspace, query, mode);
      if (timing.includes(FROM_D1)) fromD1++;
      retrieval.push({
        query,
        mode,
        entities: (body.data.entities ?? []).map((e) => e.entity_name).sort(),
        relations: (body.data.relationships ?? []).map((r) => [r.src_id, r.tgt_id].sort().join("|")).sort(),
        chunks: (body.data.chunks ?? []).map((c) => c.content).sort(),
      });
    }
  }
  const summary = {
    documents: docs.length,
    chunks: docs.reduce((sum, d) => sum + (d.chunks_count ?? 0), 0),
    entities: names.length,
    relations: pairs.length,
    truncated: graph.is_truncated === true,
    names: sha(names),
    relationPairs: sha(pairs),
    entityContent: sha(nodeContent),
    relationContent: sha(edgeContent),
    retrieval: sha(retrieval.map(({ entities, relations, chunks }) => [entities, relations, chunks])),
  };
  return { summary, retrieval, fromD1 };
}

interface Retrieved {
  query: string;
  mode: string;
  entities: string[];
  relations: string[];
  chunks: string[];
}

/**
 * Where two retrievals first differ: question, mode, part (entities / relations / chunks) and
 * the first item of that part that only one side has; undefined when they are equal.
 *
 * @example
 * firstDifference(soaked.retrieval, fresh.retrieval); // 'mix "What does …?": chunks: only soaked has "…"'
 */
function firstDifference(a: Retrieved[], b: Retrieved[]): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return `answer ${i} missing on one side`;
    for (const part of ["entities", "relations", "chunks"] as const) {
      const left = x[part];
      const right = y[part];
      if (sha(left) === sha(right)) continue;
      const onlyLeft = left.filter((item) => !right.includes(item));
      const onlyRight = right.filter((item) => !left.includes(item));
      const show = (item: string | undefined) => JSON.stringify(item?.slice(0, 120));
      return `${x.mode} ${JSON.stringify(x.query)}: ${part} (${left.length} vs ${right.length}): ${onlyLeft.length} only soaked, first ${show(onlyLeft[0])}; ${onlyRight.length} only fresh, first ${show(onlyRight[0])}`;
    }
  }
  return undefined;
}

/**
 * Polls until a query in each workspace is served without the D1 fallback, i.e. both graph
 * index copies are fresh (the first query after a write schedules the rebuild ~1 s later).
 * Returns the seconds it took, or undefined on `timeoutSeconds`.
 *
 * @example
 * await waitFresh(client, ["soak", "soak_fresh"], questions, 240);
 */
async function waitFresh(
  client: Client,
  workspaces: string[],
  questions: string[],
  timeoutSeconds: number,
): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    let stale = 0;
    for (const workspace of workspaces)
      for (const mode of ["naive", "mix"]) {
        const { timing } = await client.queryData(workspace, questions[0] as string, mode);
        if (timing.includes(FROM_D1)) stale++;
      }
    if (stale === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutSeconds * 1000) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
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
    const liveTarget = Number(values["live-docs"] || values["initial-docs"]);
    next = initial.length;
    await client.insert(WS, initial);
    for (const d of initial) live.set(d.source, d);
    const questions = pool.slice(0, 5).map((d) => `What does ${d.source.replace(/\.\w+$/, "")} describe?`);

    const series: { minute: number; heapMiB: number; rssMiB: number; docs: number }[] = [];
    const snapshots: { minute: number; top: NameTotal[] }[] = [];
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
        // --snapshots: one right after warm-up, one a minute before the end.
        const minute = (Date.now() - started) / 60_000;
        const firstAfterWarmup = snapshots.length === 0 && minute >= Number(values.warmup);
        const nearEnd = snapshots.length === 1 && end - Date.now() < 90_000;
        if (values.snapshots && (firstAfterWarmup || nearEnd))
          snapshots.push({ minute, top: shallowByName(await takeSnapshot(inspector)) });
      }
      const step = rand();
      const processed = (await client.list(WS)).filter((d) => d.status === "processed");
      // The live set reverts to --live-docs: below it a step adds 0.8 documents and removes 0.35
      // on average, at or above it adds 0.3 and removes 0.4. A set that grew all run long (30 to
      // 264 documents on 2026-12-06) grows the heap by design (each workspace's vectors and BM25
      // postings are held in memory), which no flatness check can tell from a leak.
      const below = live.size < liveTarget;
      const insertBelow = below ? 0.4 : 0.15;
      const updateBelow = below ? 0.65 : 0.6;
      if (step < insertBelow) {
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
      } else if (step < updateBelow && processed.length > 0) {
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
    const verdict = memoryVerdict(
      after.map((s) => ({ hours: s.minute / 60, mib: s.heapMiB })),
      Number(values["heap-slack-mib"]),
      Number(values["heap-slope-mib-per-hour"]),
    );
    console.log(verdict.line);
    if (verdict.problem) problems.push(verdict.problem);
    if (snapshots.length > 0) printSnapshotDiff(snapshots);

    await client.insert(FRESH, [...live.values()]);
    if (!(await settle(client, FRESH, live.size))) problems.push("fresh ingestion did not finish");
    // Compare only once both graph index copies are fresh: while one is stale its look-ups fall
    // back to D1's FTS5, whose statistics span the whole database (both workspaces) and whose
    // ties go by rowid, so the two workspaces would rank differently for that reason alone.
    let soaked: Awaited<ReturnType<typeof fingerprint>> | undefined;
    let fresh: Awaited<ReturnType<typeof fingerprint>> | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const waited = await waitFresh(client, [WS, FRESH], questions, Number(values["fresh-timeout-s"]));
      console.log(
        waited === undefined
          ? `graph indexes still answered from D1 after ${values["fresh-timeout-s"]} s`
          : `graph indexes fresh after ${waited.toFixed(1)} s (no ${FROM_D1} in either workspace)`,
      );
      soaked = await fingerprint(client, WS, questions);
      fresh = await fingerprint(client, FRESH, questions);
      if (soaked.fromD1 + fresh.fromD1 === 0) break;
      console.log(
        `attempt ${attempt}: ${soaked.fromD1} soaked and ${fresh.fromD1} fresh answer(s) still carried ${FROM_D1}`,
      );
    }
    if (!soaked || !fresh) throw new Error("unreachable");
    if (soaked.fromD1 + fresh.fromD1 > 0)
      problems.push(`retrieval compared while ${FROM_D1} still marked answers (graph index not fresh)`);
    console.log("\n                  soaked            fresh");
    for (const key of Object.keys(soaked.summary) as (keyof typeof soaked.summary)[]) {
      const same = soaked.summary[key] === fresh.summary[key];
      console.log(
        `${key.padEnd(16)}  ${String(soaked.summary[key]).padEnd(16)}  ${String(fresh.summary[key]).padEnd(16)} ${same ? "" : "DIFFERENT"}`,
      );
      if (!same) problems.push(`${key} differs: ${soaked.summary[key]} vs ${fresh.summary[key]}`);
    }
    const difference = firstDifference(soaked.retrieval, fresh.retrieval);
    if (difference) {
      console.log(`first retrieval difference: ${difference}`);
      problems.push(`retrieval: ${difference}`);
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

/** The constructors whose shallow bytes changed most (either way) between the first and the last snapshot. */
function printSnapshotDiff(snapshots: { minute: number; top: NameTotal[] }[]): void {
  const first = snapshots[0] as { minute: number; top: NameTotal[] };
  const last = snapshots[snapshots.length - 1] as { minute: number; top: NameTotal[] };
  const before = new Map(first.top.map((t) => [t.name, t]));
  const total = (top: NameTotal[]) => top.reduce((sum, t) => sum + t.bytes, 0) / MiB;
  console.log(
    `\nheap snapshots: minute ${first.minute.toFixed(1)} ${total(first.top).toFixed(1)} MiB, minute ${last.minute.toFixed(1)} ${total(last.top).toFixed(1)} MiB; largest changes by constructor (shallow bytes):`,
  );
  const growth = last.top
    .map((t) => ({ t, delta: t.bytes - (before.get(t.name)?.bytes ?? 0), was: before.get(t.name) }))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .slice(0, 12);
  for (const { t, delta, was } of growth)
    console.log(
      `  ${t.name.slice(0, 48).padEnd(48)} ${((was?.bytes ?? 0) / MiB).toFixed(2).padStart(7)} -> ${(t.bytes / MiB).toFixed(2).padStart(7)} MiB (${delta >= 0 ? "+" : ""}${(delta / MiB).toFixed(2)}), count ${was?.count ?? 0} -> ${t.count}`,
    );
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
