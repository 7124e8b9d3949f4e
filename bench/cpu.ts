/**
 * CPU time of the Worker's isolate per request (what Cloudflare bills and what caps one
 * isolate's throughput), not wall time. Starts `wrangler dev --local` on a fresh state,
 * ingests docs-1mb (×copies), then for each request kind: V8's CPU profiler on through the
 * inspector (CDP `Profiler.start`), N identical requests one after another, `Profiler.stop`;
 * Two measures, side by side:
 * - thread CPU: user+system CPU of workerd's event-loop thread (/proc/<pid>/task, 10 ms ticks,
 *   so N ≥ 50 keeps the error ≤ 0.2 ms) ÷ N. It runs the isolate's JavaScript plus the runtime's
 *   own work for it (HTTP parsing, local D1/Durable Object SQLite): an upper bound of the
 *   isolate's CPU that stays right on a loaded machine. GC/compiler threads are shown apart.
 * - profile: the V8 CPU profile's non-idle samples (JS, "(program)", "(garbage collector)") ÷ N.
 *   workerd never marks the isolate idle, and sample deltas are wall time, so on a loaded machine
 *   (or while the isolate waits) this overstates CPU; use it for the split by function only.
 * The local embedder's share (hashEmbedding and below, as a share of the profile applied to the
 * thread CPU) is shown on its own: in production embeddings are a remote call. Logins run on a
 * second server with auth on (the production scrypt cost).
 * Worker vs Durable Objects: locally the Worker and every Durable Object class share one isolate
 * and one thread with the D1 simulator and wrangler's entry worker, so the thread figure is not
 * what the Worker is billed. The second table splits it: each profile sample goes to the
 * outermost frame of one of our modules in its stack (the module is read from esbuild's
 * `// src/…` comments in wrangler's bundle): a Durable Object class's file → "Durable Objects",
 * any other src/ module → "Worker"; stacks through the local embedder or local LLM go apart.
 * Each owner gets the thread CPU × its share of the non-idle samples (counted, not their wall
 * deltas); "(program)", GC and frames outside our code stay unattributed (the runtime's own
 * work, other isolates). That split is an upper bound: the thread also runs the D1 simulator's
 * and the entry worker's isolates, which the profile never sees, and the shares spread them.
 * The third table is the Worker-only estimate: V8 records a sample only when a tick finds this
 * isolate entered, so samples × the profiler's real period (wall ÷ its thread's wake-ups, from
 * /proc/.../schedstat) is the time the isolate ran, per owner; the rest of the thread is shown
 * as "outside the isolate". Calibrated on logins (scrypt, CPU-bound inside the isolate): the
 * samples gave 370 ms against 358 ms of thread CPU (+3.5 %, load 15). Library frames resumed
 * after an `await` with no caller of ours (Hono's chain, zod) are a column of their own: mostly
 * the Worker's, so the Worker-only figure lies between "Worker" and "Worker + libraries".
 * Wrangler's dev server turns on inspector agents for its terminal (console forwarding, the
 * debugger); a deployed Worker has none, so the bench turns them off before profiling
 * (`devtoolsOff`; `--devtools` keeps them, as figures before 2026-12-06 20:40 were taken).
 *
 *   npx tsx bench/cpu.ts                       # docs-1mb, 50 requests per kind
 *   npx tsx bench/cpu.ts --copies 10           # docs-1mb ×10
 *   npx tsx bench/cpu.ts --requests 20 --top 25 --profile mix   # top self-time functions of mix
 *   npx tsx bench/cpu.ts --no-login --no-insert                # queries and reads only
 *   npx tsx bench/cpu.ts --production --only mix               # as deployed: no local pacing or gate
 *   npx tsx bench/cpu.ts --production --only mix --devtools    # with wrangler's inspector agents on
 *   npx tsx bench/cpu.ts --only "new question" --profile new --save-profile /tmp/p.cpuprofile --warmup 100
 *     # keeps that kind's profile and, beside it (/tmp/p.cpuprofile.bundle.js), the bundle it points into
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOT, startLocalWorker } from "../scripts/lib/dev-server";
import { type Attribution, attribute, moduleIndex } from "./lib/attribution";
import {
  type CpuProfile,
  type CpuProfileNode,
  Inspector,
  inclusiveMs,
  summarizeProfile,
} from "./lib/inspector";
import { type ThreadSched, workerdSchedstat, workerdThreads } from "./lib/procs";
import { BenchServer, docsCorpus, waitForGraphIndex } from "./query-server";

const { values } = parseArgs({
  options: {
    copies: { type: "string", default: "1" },
    requests: { type: "string", default: "50" },
    /** Requests of each kind before its profile starts (JIT tiering, caches). */
    warmup: { type: "string", default: "5" },
    port: { type: "string", default: "9852" },
    "login-port": { type: "string", default: "9853" },
    "interval-us": { type: "string", default: "200" },
    top: { type: "string", default: "15" },
    profile: { type: "string", default: "mix" },
    "save-profile": { type: "string", default: "" },
    login: { type: "boolean", default: true },
    insert: { type: "boolean", default: true },
    "no-login": { type: "boolean", default: false },
    "no-insert": { type: "boolean", default: false },
    /**
     * The Worker as deployed: no pacing of binding calls and no concurrency gate (both are on
     * in wrangler.toml's local vars for the local runtime only, docs/operations.md "Load").
     */
    production: { type: "boolean", default: false },
    /** Comma-separated substrings: run only the kinds whose name contains one (the floor always runs). */
    only: { type: "string", default: "" },
    /**
     * Leave wrangler's inspector agents on (its console forwarding over the inspector and the
     * debugger), as every figure before 2026-12-06 20:40 was measured; see `devtoolsOff`.
     */
    devtools: { type: "boolean", default: false },
  },
});
const N = Number(values.requests);
const PORT = Number(values.port);

/**
 * Turns off, for every session of the runtime, the inspector agents wrangler's dev server turns
 * on for its terminal: with them on, workerd sends every `console.log` to the session as a
 * `Runtime.consoleAPICalled` event, which cost 0.4–0.8 ms per line on the event-loop thread
 * (bench/local-console.ts), and keeps the debugger active. A deployed Worker has no inspector,
 * so neither is its cost. The profiler is not affected; the Worker's console output no longer
 * reaches the server log.
 */
async function devtoolsOff(inspector: Inspector): Promise<void> {
  if (values.devtools) return;
  await inspector.send("Runtime.disable");
  await inspector.send("Debugger.disable");
}
const QUESTION = "How does the graph index answer a local query about entities and relations?";
const MODES = ["naive", "local", "global", "hybrid", "mix"] as const;

interface Kind {
  name: string;
  /** One request; `i` makes bodies distinct where they must be (inserts). */
  run(i: number): Promise<void>;
  /** Waits after the N requests until background work they caused is done (ingestion). */
  settle?(): Promise<void>;
}

interface Row {
  name: string;
  /** workerd event-loop thread CPU per request. */
  threadMs: number;
  /** workerd's other threads (V8 GC and compiler, I/O) per request. */
  otherMs: number;
  profileMs: number;
  /** Share of the profile in the local embedder. */
  embedShare: number;
  /** The profile split by owner (Worker, Durable Objects, local embedder and LLM, rest). */
  split: Attribution;
  wallMs: number;
  /** The event-loop thread's CPU per request from schedstat (ns resolution; `threadMs` is 10 ms ticks). */
  schedMs: number;
  /** The CPU profiler's real sampling period (wall ÷ its thread's wake-ups), ms. */
  periodMs: number;
}

async function expectOk(res: Response, what: string): Promise<void> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 300)}`);
}

/** The bundle file a profile frame's URL names: a file URL or path, else the newest wrangler dev bundle of that name. */
function bundleFile(url: string): string | undefined {
  if (url === "") return undefined;
  const direct = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (path.isAbsolute(direct) && existsSync(direct)) return direct;
  const tmp = path.join(ROOT, ".wrangler", "tmp");
  if (!existsSync(tmp)) return undefined;
  const candidates = readdirSync(tmp)
    .filter((dir) => dir.startsWith("dev-"))
    .map((dir) => path.join(tmp, dir, path.basename(direct)))
    .filter((file) => existsSync(file))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

const bundles = new Map<string, ((line: number) => string | undefined) | undefined>();
/** The source module of a frame (esbuild's module comments in the bundle), or undefined. */
function moduleOf(url: string, line: number): string | undefined {
  if (!bundles.has(url)) {
    const file = bundleFile(url);
    bundles.set(url, file ? moduleIndex(readFileSync(file, "utf8")) : undefined);
  }
  return bundles.get(url)?.(line);
}

/** CPU ms of workerd's event-loop thread and of its other threads. */
function workerdCpu(pid: number): { main: number; other: number } {
  const threads = workerdThreads(pid);
  const main = threads.get("workerd") ?? 0;
  const all = [...threads.values()].reduce((sum, ms) => sum + ms, 0);
  return { main, other: all - main };
}

/** Sums of CPU, wait and slices between two readings over the threads `pick` selects. */
function schedDelta(
  before: ThreadSched[],
  after: ThreadSched[],
  pick: (t: ThreadSched) => boolean,
): { cpuMs: number; slices: number } {
  const start = new Map(before.map((t) => [t.tid, t]));
  let cpuMs = 0;
  let slices = 0;
  for (const t of after.filter(pick)) {
    const b = start.get(t.tid);
    cpuMs += t.cpuMs - (b?.cpuMs ?? 0);
    slices += t.slices - (b?.slices ?? 0);
  }
  return { cpuMs, slices };
}

/** The event-loop thread's CPU ms per second over 5 s without requests. */
async function idleCpu(pid: number): Promise<number> {
  const before = workerdCpu(pid).main;
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  return (workerdCpu(pid).main - before) / 5;
}

async function measure(
  inspector: Inspector,
  pid: number,
  kind: Kind,
  warmup: number,
): Promise<{ row: Row; profile: CpuProfile }> {
  for (let i = 0; i < warmup; i++) await kind.run(-1 - i);
  await kind.settle?.();
  await inspector.send("Profiler.setSamplingInterval", { interval: Number(values["interval-us"]) });
  await inspector.send("Profiler.start");
  const cpuBefore = workerdCpu(pid);
  const schedBefore = workerdSchedstat(pid);
  const started = performance.now();
  for (let i = 0; i < N; i++) await kind.run(i);
  await kind.settle?.();
  const wall = performance.now() - started;
  const cpuAfter = workerdCpu(pid);
  const schedAfter = workerdSchedstat(pid);
  const { profile } = await inspector.send<{ profile: CpuProfile }>("Profiler.stop");
  const summary = summarizeProfile(profile);
  const embed = inclusiveMs(profile, /^hashEmbedding$/);
  return {
    row: {
      name: kind.name,
      threadMs: (cpuAfter.main - cpuBefore.main) / N,
      otherMs: (cpuAfter.other - cpuBefore.other) / N,
      profileMs: summary.busyMs / N,
      embedShare: summary.busyMs > 0 ? embed / summary.busyMs : 0,
      split: attribute(profile, moduleOf),
      wallMs: wall / N,
      schedMs: schedDelta(schedBefore, schedAfter, (t) => t.name === "workerd").cpuMs / N,
      periodMs: wall / Math.max(1, schedDelta(schedBefore, schedAfter, (t) => /prof/i.test(t.name)).slices),
    },
    profile,
  };
}

function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log(
    "request                          thread CPU/req  of it local embedder  w/o embedder  GC+other threads  V8 profile/req  wall/req",
  );
  for (const r of rows) {
    const embed = r.threadMs * r.embedShare;
    console.log(
      `${r.name.padEnd(32)} ${ms(r.threadMs)}     ${ms(embed)}      ${ms(r.threadMs - embed)}   ${ms(r.otherMs)}      ${ms(r.profileMs)}  ${ms(r.wallMs)}`,
    );
  }
}

/**
 * The thread CPU split by owner: each owner's share of the profile's non-idle samples (by count,
 * see bench/lib/attribution.ts) times the thread CPU per request. "Worker" is what the Worker
 * itself is billed in production for its request path: no Durable Object, no local embedder or
 * LLM (remote calls there). The rest of the thread (GC, "(program)", wrangler's entry worker and
 * the D1 simulator, which run outside this isolate's JavaScript) is shown apart, not attributed.
 */
function printSplit(title: string, rows: Row[]): void {
  console.log(`\n${title}: thread CPU per request split by the profile's samples (bench/lib/attribution.ts)`);
  console.log(
    "request                          Worker (billed)  Durable Objects  local embedder+LLM  GC/(program)/runtime  samples/req",
  );
  for (const r of rows) {
    const { count, busyCount } = r.split;
    const part = (n: number) => (busyCount > 0 ? (r.threadMs * n) / busyCount : 0);
    console.log(
      `${r.name.padEnd(32)} ${ms(part(count.worker))}      ${ms(part(count.durableObject))}      ${ms(part(count.embedder + count.localLlm))}        ${ms(r.threadMs - part(count.worker + count.durableObject + count.embedder + count.localLlm))}  ${(busyCount / N).toFixed(0).padStart(8)}`,
    );
  }
}

/**
 * The isolate's own CPU per owner from the sample counts: V8 records a sample only when a tick
 * finds this isolate entered on the thread (not while the thread runs the D1 simulator's or the
 * entry worker's isolate, nor while it waits in the event loop), and a thread waiting for a core
 * answers the ticks it missed with one sample; so samples × the profiler's real period (wall ÷
 * its thread's wake-ups, from schedstat) is the time the isolate ran. What the thread spent
 * outside the isolate (other isolates, HTTP, SQLite of the D1 simulator) is the rest.
 */
function printSampled(title: string, rows: Row[]): void {
  console.log(
    `\n${title}: the isolate's own CPU per request from sample counts × the profiler's real period (Worker-only estimate)`,
  );
  console.log(
    "request                          Worker (billed)  of it console.log  + libraries w/o caller  Durable Objects  local embedder+LLM  GC/(program) in isolate  outside the isolate  thread (schedstat)  period",
  );
  for (const r of rows) {
    const { count, busyCount, loggedCount } = r.split;
    const part = (n: number) => (n * r.periodMs) / N;
    const inIsolate = part(busyCount);
    console.log(
      `${r.name.padEnd(32)} ${ms(part(count.worker))}      ${ms(part(loggedCount))}        ${ms(part(count.library))}             ${ms(part(count.durableObject))}      ${ms(part(count.embedder + count.localLlm))}        ${ms(part(count.other))}             ${ms(r.schedMs - inIsolate)}          ${ms(r.schedMs)}   ${(r.periodMs * 1000).toFixed(0)} µs`,
    );
  }
  console.log(
    "(\"of it console.log\": the Worker's samples inside the log lines' console.log, the audit line of every query; the local runtime's cost, see bench/local-console.ts)",
  );
}

const ms = (n: number) => `${n.toFixed(2).padStart(8)} ms`;

function printTop(name: string, profile: CpuProfile, split: Attribution): void {
  // Counted, not summed by their deltas: a sample taken after the thread waited for a core
  // carries that wait in its delta (on a loaded machine one such sample can outweigh dozens).
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const tally = (owners: ReadonlySet<string>) => {
    const byName = new Map<string, number>();
    const byModule = new Map<string, number>();
    let total = 0;
    for (const id of profile.samples) {
      if (!owners.has(split.ownerOfNode(id))) continue;
      const frame = (nodes.get(id) as CpuProfileNode).callFrame;
      const module = moduleOf(frame.url, frame.lineNumber) ?? (frame.url || "(native)");
      const key = `${frame.functionName || "(anonymous)"}  ${module}`;
      byName.set(key, (byName.get(key) ?? 0) + 1);
      byModule.set(module, (byModule.get(module) ?? 0) + 1);
      total++;
    }
    return { byName, byModule, total };
  };
  const show = (title: string, entries: Map<string, number>, total: number) => {
    console.log(`\n${title} (share of ${total} samples):`);
    for (const [key, n] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
      console.log(`  ${((n / Math.max(1, total)) * 100).toFixed(1).padStart(5)} %  ${key}`);
  };
  const all = tally(new Set(["worker", "durableObject", "embedder", "localLlm", "library", "other"]));
  show(`self time in the isolate by function, ${name}`, all.byName, all.total);
  const worker = tally(new Set(["worker"]));
  show(`the Worker's self time by function, ${name}`, worker.byName, worker.total);
  show(`the Worker's self time by module, ${name}`, worker.byModule, worker.total);
}

async function dataServer(copies: number): Promise<void> {
  const server = new BenchServer(PORT);
  const deployed = { LOCAL_RUNTIME_PACING: "false", MAX_CONCURRENT_REQUESTS: "0" };
  await server.start(values.production ? deployed : {}, "bench-cpu");
  if (values.production)
    console.log("production settings: LOCAL_RUNTIME_PACING=false, MAX_CONCURRENT_REQUESTS=0");
  console.log(
    values.devtools
      ? "wrangler's inspector agents on (--devtools): each console.log is also sent to the inspector"
      : "wrangler's inspector agents off (Runtime.disable, Debugger.disable): no console forwarding over the inspector",
  );
  const inspector = await Inspector.connect(server.inspectorPort);
  await devtoolsOff(inspector);
  await inspector.send("Profiler.enable");
  const pid = server.pid;
  const workspace = `cpu_${copies}`;
  const headers = { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace };
  try {
    const docs = docsCorpus(copies);
    const ingested = await server.ingest(workspace, docs);
    console.log(
      `docs-1mb x${copies}: ${docs.length} documents ingested in ${ingested.seconds.toFixed(0)} s (${ingested.failed} failed)`,
    );
    // Queries measured while the copy is stale would read D1 and time its rebuild beside them.
    const ready = await waitForGraphIndex(server, workspace);
    console.log(
      ready === null
        ? "graph index: still stale after 60 s; graph look-ups below read D1"
        : `graph index: serving ${ready.toFixed(1)} s after the first query`,
    );
    const post = (route: string, body: unknown) =>
      fetch(`${server.base}${route}`, { method: "POST", headers, body: JSON.stringify(body) });
    const get = (route: string) => fetch(`${server.base}${route}`, { headers });
    const idle = await idleCpu(pid);
    console.log(
      `workerd event-loop thread with no request: ${idle.toFixed(2)} ms CPU per second (background work: alarms, index rebuilds)`,
    );
    const kinds: Kind[] = [
      { name: "GET /health/live (floor)", run: async () => expectOk(await get("/health/live"), "live") },
    ];
    kinds.push(
      ...MODES.map((mode) => ({
        name: `POST /query ${mode} (context)`,
        run: async () =>
          expectOk(await post("/query", { query: QUESTION, mode, only_need_context: true }), mode),
      })),
    );
    // A mix query answered as clients usually ask: the prompt goes to the LLM (the local LLM here,
    // its CPU shown apart as in production it is a remote call). Asked again, the answer comes from
    // the LLM cache; a new question each time runs keyword extraction and the answer afresh.
    const fresh = Date.now();
    kinds.push(
      {
        name: "POST /query mix (answer, cached)",
        run: async () => expectOk(await post("/query", { query: QUESTION, mode: "mix" }), "mix answer"),
      },
      {
        name: "POST /query mix (answer, new question)",
        run: async (i) =>
          expectOk(
            await post("/query", { query: `${QUESTION} Asked ${fresh}-${i}.`, mode: "mix" }),
            "mix answer",
          ),
      },
    );
    kinds.push(
      {
        name: "POST /documents/paginated",
        run: async () =>
          expectOk(await post("/documents/paginated", { page: 1, page_size: 20 }), "paginated"),
      },
      { name: "GET /documents", run: async () => expectOk(await get("/documents"), "list") },
      { name: "GET /graph/label/list", run: async () => expectOk(await get("/graph/label/list"), "labels") },
      {
        name: "GET /graphs (max_nodes 100)",
        run: async () => expectOk(await get("/graphs?label=*&max_depth=2&max_nodes=100"), "graphs"),
      },
    );
    const insertOn = values.insert && !values["no-insert"];
    if (insertOn) {
      const stamp = Date.now();
      kinds.push({
        name: "POST /documents/text + ingestion",
        run: async (i) =>
          expectOk(
            await post("/documents/text", {
              text: `Bench note ${stamp}-${i}: Ada Lovelace wrote about the Analytical Engine of Charles Babbage in London, run ${i}.`,
              file_source: `cpu-${stamp}-${i}.txt`,
            }),
            "insert",
          ),
        settle: async () => {
          for (;;) {
            const res = await get("/documents/status_counts");
            const counts = ((await res.json()) as { status_counts: Record<string, number> }).status_counts;
            if ((counts.pending ?? 0) + (counts.processing ?? 0) === 0) return;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        },
      });
    }
    const only = values.only.split(",").filter(Boolean);
    const chosen = kinds.filter(
      (kind, i) => i === 0 || only.length === 0 || only.some((part) => kind.name.includes(part)),
    );
    const rows: Row[] = [];
    for (const kind of chosen) {
      const { row, profile } = await measure(inspector, pid, kind, Number(values.warmup));
      rows.push(row);
      if (kind.name.includes(` ${values.profile} `)) {
        printTop(kind.name, profile, row.split);
        if (values["save-profile"]) saveProfile(values["save-profile"], profile);
      }
    }
    printTable(`docs-1mb x${copies}, ${N} sequential requests per kind`, rows);
    printSplit(`docs-1mb x${copies}`, rows);
    printSampled(`docs-1mb x${copies}`, rows);
  } finally {
    inspector.close();
    server.stop();
  }
}

/**
 * Writes `profile` to `file` and the bundle its frames point into beside it (`file` + ".bundle.js"),
 * so it can be read later by line: wrangler removes its dev bundle when it stops.
 */
function saveProfile(file: string, profile: CpuProfile): void {
  writeFileSync(file, JSON.stringify(profile));
  const url = profile.nodes.find((node) => node.callFrame.url.endsWith("index.js"))?.callFrame.url;
  const bundle = url === undefined ? undefined : bundleFile(url);
  if (bundle) copyFileSync(bundle, `${file}.bundle.js`);
}

async function loginServer(): Promise<void> {
  const port = Number(values["login-port"]);
  const worker = await startLocalWorker({
    port,
    label: "bench-cpu-login",
    vars: {
      AUTH_ENABLED: "true",
      JWT_SECRET_KEY: "bench-secret-of-at-least-thirty-two-characters",
      ALLOW_REGISTRATION: "true",
      RATE_LIMIT_ENABLED: "false",
      LOG_LEVEL: "ERROR",
      AUDIT_LOGGING_ENABLED: "false",
      LOGIN_MAX_FAILED_ATTEMPTS: "100000",
      LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS: "100000",
    },
  });
  const inspector = await Inspector.connect(port + 100);
  await devtoolsOff(inspector);
  await inspector.send("Profiler.enable");
  try {
    const username = `bench_${Date.now()}`;
    const password = "bench-Long-and-unusual-passphrase-9";
    const post = (route: string, body: unknown) =>
      fetch(`${worker.base}${route}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    await expectOk(await post("/auth/register", { username, password }), "register");
    const login: Kind = {
      name: "POST /auth/login (scrypt)",
      run: async () => expectOk(await post("/auth/login", { username, password }), "login"),
    };
    const { row, profile } = await measure(inspector, worker.pid, login, 3);
    if (values.profile === "login") printTop(login.name, profile, row.split);
    printTable(`auth on (default password hash cost), ${N} sequential logins`, [row]);
    printSampled("auth on", [row]);
  } finally {
    inspector.close();
    worker.stop();
  }
}

await dataServer(Number(values.copies));
if (values.login && !values["no-login"]) await loginServer();
