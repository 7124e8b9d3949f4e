/**
 * `bench/memory.ts --split`: heap per isolate, the Worker's and each Durable Object class's, during
 * docs-1mb ×copies ingestion rounds and then during a short query load, with the Worker run by
 * bench/lib/split-isolates.ts (one isolate per class). Every isolate's `Runtime.getHeapUsage` is
 * sampled each second (the high-water mark, garbage included) and a full GC per isolate after
 * each phase gives what it keeps, both against the 128 MB a production isolate may use.
 */
import { type Doc, docsCorpus } from "../query-server";
import { Inspector } from "./inspector";
import { startSplitWorker } from "./split-isolates";

const MiB = 2 ** 20;
const LIMIT_MIB = 128;
/** Display name per service; the others are named after their Durable Object class. */
const LABEL: Record<string, string> = { worker: "Worker (HTTP + queue consumer)" };

/** MiB: V8 heap used, ArrayBuffer/WebAssembly backing stores, and their sum (each its own peak). */
interface Reading {
  heap: number;
  buffers: number;
  total: number;
  /** After-GC readings: whether the full GC answered (false: lowest of a few samples). */
  gc?: boolean;
}

interface Peaks {
  stop(): Map<string, Reading>;
}

/**
 * Samples every isolate's heap each second; `stop()` returns the highest used heap per service.
 * A tick that has not answered yet (isolate busy) is not stacked: its service skips the next.
 *
 * @example
 * const peaks = samplePeaks(inspectors); await work(); const high = peaks.stop(); // MiB by service
 */
function samplePeaks(inspectors: Map<string, Inspector>): Peaks {
  const peaks = new Map<string, Reading>();
  const busy = new Set<string>();
  const tick = () => {
    for (const [service, inspector] of inspectors) {
      if (busy.has(service)) continue;
      busy.add(service);
      inspector
        .heap()
        .then((heap) => {
          const was = peaks.get(service) ?? { heap: 0, buffers: 0, total: 0 };
          peaks.set(service, {
            heap: Math.max(was.heap, heap.used / MiB),
            buffers: Math.max(was.buffers, heap.backing / MiB),
            total: Math.max(was.total, (heap.used + heap.backing) / MiB),
          });
        })
        .catch(() => {
          // busy past the timeout; the next tick tries again
        })
        .finally(() => busy.delete(service));
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return {
    stop() {
      clearInterval(timer);
      return peaks;
    },
  };
}

/**
 * Heap after a full GC per service (MiB), all isolates at once. Under Miniflare's inspector proxy
 * `HeapProfiler.collectGarbage` is sent after `HeapProfiler.enable`; when an isolate does not
 * answer it in 20 s the lowest of five 1-s samples stands in (marked by `gc: false`).
 */
async function afterGc(
  inspectors: Map<string, Inspector>,
  base: string,
  workspace?: string,
): Promise<Map<string, Reading>> {
  const kept = new Map<string, Reading>();
  // V8 runs an inspector-requested GC as a task of the isolate, which an idle isolate runs only
  // when it gets a turn: health probes reach the Worker and the flags and metrics objects, a
  // one-word local query the vector and graph indexes of `workspace`.
  const poke = setInterval(() => {
    const requests: [string, RequestInit][] = [
      ["/health/ready", {}],
      ["/health", {}],
    ];
    if (workspace)
      requests.push([
        "/query",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
          body: JSON.stringify({ query: "overview", mode: "mix", only_need_context: true }),
        },
      ]);
    for (const [path, init] of requests)
      fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) })
        .then((res) => res.arrayBuffer())
        .catch(() => {});
  }, 2000);
  await Promise.all(
    [...inspectors].map(async ([service, inspector]) => {
      let gc = true;
      let low = { used: Number.POSITIVE_INFINITY, backing: Number.NaN };
      try {
        await inspector.send("HeapProfiler.enable", {}, 20_000);
        await inspector.send("HeapProfiler.collectGarbage", {}, 20_000);
        low = await inspector.heap();
      } catch {
        gc = false;
        for (let i = 0; i < 5; i++) {
          const heap = await inspector.heap().catch(() => null);
          if (heap && heap.used < low.used) low = heap;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      kept.set(service, {
        heap: low.used / MiB,
        buffers: low.backing / MiB,
        total: (low.used + low.backing) / MiB,
        gc,
      });
    }),
  );
  clearInterval(poke);
  return kept;
}

/**
 * `fetch` that sends a request again (up to 5 times) when the connection is reset: workerd resets
 * a kept-alive connection that a request reaches while a queue batch runs (scripts/lib/dev-fetch.ts
 * says why); inserts deduplicate identical content and the rest only read, so resending is safe.
 *
 * @example
 * const res = await resilientFetch(`${base}/documents/status_counts`, { headers });
 */
async function resilientFetch(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(600_000) });
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/**
 * Inserts `docs` into `workspace` 200 at a time and waits until all are processed or failed, or
 * nothing moved for `stallSeconds`.
 *
 * @example
 * const { seconds, processed, failed } = await ingest(base, "mem_r1", docs, 300);
 */
async function ingest(
  base: string,
  workspace: string,
  docs: Doc[],
  stallSeconds: number,
): Promise<{ seconds: number; failed: number; processed: number }> {
  const started = performance.now();
  const headers = { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace };
  for (let i = 0; i < docs.length; i += 200) {
    const slice = docs.slice(i, i + 200);
    const res = await resilientFetch(`${base}/documents/texts`, {
      method: "POST",
      headers,
      body: JSON.stringify({ texts: slice.map((d) => d.text), file_sources: slice.map((d) => d.source) }),
    });
    if (!res.ok) throw new Error(`POST /documents/texts answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  let last = -1;
  let lastMove = performance.now();
  while (true) {
    const res = await resilientFetch(`${base}/documents/status_counts`, { headers });
    const counts = res.ok
      ? ((await res.json()) as { status_counts: Record<string, number> }).status_counts
      : {};
    const done = (counts.processed ?? 0) + (counts.failed ?? 0);
    if (done !== last) {
      last = done;
      lastMove = performance.now();
    }
    if (done >= docs.length || performance.now() - lastMove > stallSeconds * 1000)
      return {
        seconds: (performance.now() - started) / 1000,
        failed: counts.failed ?? 0,
        processed: counts.processed ?? 0,
      };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Questions from the documents' first lines (their titles), so every mode finds something. */
function questions(texts: string[]): string[] {
  const titles = texts.map((text) => text.split("\n", 1)[0]?.trim() ?? "").filter((t) => t.length > 3);
  return [...new Set(titles)].slice(0, 100).map((title) => `How does ${title} work?`);
}

/**
 * `connections` loops of POST /query (the five modes in turn, context only) for `seconds`.
 *
 * @example
 * const { ok, failed } = await queryLoad(base, "mem_r1", asked, 8, 60);
 */
async function queryLoad(
  base: string,
  workspace: string,
  asked: string[],
  connections: number,
  seconds: number,
): Promise<{ ok: number; failed: number }> {
  const modes = ["naive", "local", "global", "hybrid", "mix"];
  const deadline = Date.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  let next = 0;
  const loop = async () => {
    while (Date.now() < deadline) {
      const i = next++;
      try {
        const res = await fetch(`${base}/query`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
          body: JSON.stringify({
            query: asked[i % asked.length],
            mode: modes[i % modes.length],
            only_need_context: true,
          }),
          signal: AbortSignal.timeout(60_000),
        });
        await res.arrayBuffer();
        if (res.ok) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return { ok, failed };
}

/**
 * One table row per service: V8 heap and ArrayBuffer/WebAssembly memory, peak and after a full
 * GC, and the peak of their sum against 128 MiB (production counts both against the isolate).
 */
function printPhase(
  title: string,
  services: string[],
  peaks: Map<string, Reading>,
  kept: Map<string, Reading>,
): void {
  const none: Reading = { heap: Number.NaN, buffers: Number.NaN, total: Number.NaN };
  const cell = (value: number, width: number) => value.toFixed(1).padStart(width);
  console.log(`\n${title}`);
  console.log(
    "isolate                          heap peak  heap after GC  buffers peak  buffers after GC  heap+buffers peak  of 128 MiB",
  );
  const sum = { peak: 0, kept: 0 };
  for (const service of services) {
    const peak = peaks.get(service) ?? none;
    const after = kept.get(service) ?? none;
    sum.peak += peak.total;
    sum.kept += after.total;
    console.log(
      `${(LABEL[service] ?? service).padEnd(31)}  ${cell(peak.heap, 9)}  ${cell(after.heap, 12)}${after.gc === false ? "*" : " "}  ${cell(peak.buffers, 12)}  ${cell(after.buffers, 16)}  ${cell(peak.total, 17)}  ${`${((100 * peak.total) / LIMIT_MIB).toFixed(0)} %`.padStart(10)}`,
    );
  }
  console.log(
    `sum of isolates (MiB; peaks need not coincide): heap+buffers peak ${sum.peak.toFixed(1)}, after GC ${sum.kept.toFixed(1)}; * = GC did not answer, lowest of 5 samples`,
  );
}

/**
 * Runs the split measurement and prints one table per phase.
 *
 * @example
 * await splitMain({ port: 9965, copies: 10, rounds: 1, querySeconds: 60, queryConnections: 8 });
 */
export async function splitMain(options: {
  port: number;
  copies: number;
  rounds: number;
  querySeconds: number;
  queryConnections: number;
}): Promise<void> {
  const started = Date.now();
  const log = (line: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);
  const split = await startSplitWorker({
    port: options.port,
    inspectorPort: options.port + 1,
    vars: { LOG_LEVEL: "ERROR", AUDIT_LOGGING_ENABLED: "false", RATE_LIMIT_ENABLED: "false" },
    log,
  });
  const inspectors = new Map<string, Inspector>();
  try {
    for (const service of split.services)
      inspectors.set(service, await Inspector.connect(split.inspectorPort, service));
    const docs = docsCorpus(options.copies);
    const idle = await afterGc(inspectors, split.base);
    printPhase("started, idle (after GC)", split.services, idle, idle);
    for (let round = 1; round <= options.rounds; round++) {
      log(`round ${round}: ingesting ${docs.length} documents`);
      const peaks = samplePeaks(inspectors);
      const result = await ingest(split.base, `mem_r${round}`, docs, 300);
      const high = peaks.stop();
      const kept = await afterGc(inspectors, split.base);
      printPhase(
        `docs-1mb x${options.copies} ingestion, round ${round} (new workspace mem_r${round}): ${docs.length} documents, ${result.processed} processed, ${result.failed} failed, ${result.seconds.toFixed(0)} s`,
        split.services,
        high,
        kept,
      );
    }
    if (options.querySeconds > 0) {
      log(`queries: ${options.queryConnections} connections for ${options.querySeconds} s`);
      const peaks = samplePeaks(inspectors);
      const load = await queryLoad(
        split.base,
        `mem_r${options.rounds}`,
        questions(docs.map((d) => d.text)),
        options.queryConnections,
        options.querySeconds,
      );
      const high = peaks.stop();
      const kept = await afterGc(inspectors, split.base, `mem_r${options.rounds}`);
      printPhase(
        `queries on mem_r${options.rounds}: ${options.queryConnections} connections, ${options.querySeconds} s, five modes, ${load.ok} answered, ${load.failed} failed`,
        split.services,
        high,
        kept,
      );
    }
  } finally {
    for (const inspector of inspectors.values()) inspector.close();
    await split.stop();
  }
}
