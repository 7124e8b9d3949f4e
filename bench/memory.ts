/**
 * Memory of the Worker's isolate during ingestion: rounds of docs-1mb ×copies, each into a new
 * workspace, with V8's heap (CDP `Runtime.getHeapUsage`) and the local runtime's RSS sampled every
 * second. After each round a full GC (`HeapProfiler.collectGarbage`) shows what the isolate keeps:
 * retained heap that climbs round after round is a leak; a high-water mark that only follows the
 * batch size is not. In workerd one isolate hosts the Worker and all its Durable Object classes
 * (vector index, graph index, coordinator, limiter), so the figures are their sum, against the
 * 128 MB a production isolate may use. Prints a per-round table and the per-second series.
 *
 *   npx tsx bench/memory.ts                          # docs-1mb ×10, 3 rounds
 *   npx tsx bench/memory.ts --copies 1 --rounds 5    # quicker
 *   npx tsx bench/memory.ts --series                 # also the per-second samples
 *   npx tsx bench/memory.ts --snapshot 30            # per Durable Object class: retained heap
 *                                                    # 30 s into each round and after it
 *
 * `--split` runs the same bundle with every Durable Object class in an isolate of its own
 * (bench/lib/split-isolates.ts, Miniflare's Node API, one inspector target per service) and
 * prints each isolate's heap high-water mark and heap after a full GC per round, then during
 * `--query-seconds` of queries (all five modes, `--query-connections` at once) on the last
 * round's workspace: the per-class split that the shared isolate of `wrangler dev` hides.
 *
 *   npx tsx bench/memory.ts --split --copies 10 --rounds 1 --port 9965
 *
 * `--snapshot S` tries to split the shared heap by class with V8 heap snapshots
 * (bench/lib/heap-snapshot.ts): the retained size of every instance of each Durable Object class
 * (and of the tokenizer), once S seconds into the round and once after the round's full GC. So
 * far the snapshot wrangler's inspector gives holds only the Worker's objects (≈ 41 MiB of a
 * 78–97 MiB heap) and no Durable Object instance, which the line says ("-"). A snapshot pauses
 * the isolate for seconds, so a round with it is slower and its peak not comparable.
 */
import { parseArgs } from "node:util";
import { retainedByClass, takeSnapshot } from "./lib/heap-snapshot";
import { Inspector, retainedHeap } from "./lib/inspector";
import { processTree } from "./lib/procs";
import { splitMain } from "./lib/split-memory";
import { BenchServer, docsCorpus } from "./query-server";

const { values } = parseArgs({
  options: {
    copies: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    port: { type: "string", default: "9855" },
    series: { type: "boolean", default: false },
    snapshot: { type: "string", default: "" },
    split: { type: "boolean", default: false },
    "query-seconds": { type: "string", default: "60" },
    "query-connections": { type: "string", default: "8" },
  },
});
const MiB = 2 ** 20;
const LIMIT_MIB = 128;
/** The script's Durable Object classes (wrangler.toml) and the tokenizer's objects. */
const CLASSES = [
  "VectorIndex",
  "GraphIndex",
  "WorkspaceCoordinator",
  "RateLimiter",
  "LoginGuard",
  "MetricsAggregator",
  "RuntimeFlags",
  "GptEncoding",
];

/**
 * Retained heap per class from one snapshot, as a line.
 *
 * @example
 * console.log(await byClassLine(inspector)); // "VectorIndex 3.1  GraphIndex 20.4 … of 78.0 MiB"
 */
async function byClassLine(inspector: Inspector): Promise<string> {
  const heap = await inspector.heap();
  const sizes = retainedByClass(await takeSnapshot(inspector), CLASSES);
  const total = sizes.get("(total)")?.bytes ?? 0;
  const parts = CLASSES.map((name) => {
    const entry = sizes.get(name);
    return entry?.instances ? `${name} ${(entry.bytes / MiB).toFixed(1)} (${entry.instances})` : `${name} -`;
  });
  // workerd's snapshot through wrangler's inspector has held no Durable Object instance so far:
  // "-" says so instead of a misleading 0, and the snapshot's size is shown beside the heap's.
  return `${parts.join("  ")}  (MiB retained (instances); "-" = not in the snapshot; snapshot ${(total / MiB).toFixed(1)} MiB of a ${(heap.used / MiB).toFixed(1)} MiB heap)`;
}

interface Sample {
  t: number;
  heapMiB: number;
  rssMiB: number;
  workerdRssMiB: number;
}

/**
 * Samples heap and RSS every second until stopped.
 *
 * @example
 * const sampler = startSampler(inspector, pid); ...; const samples = sampler.stop();
 */
function startSampler(inspector: Inspector, pid: number): { stop(): Sample[] } {
  const samples: Sample[] = [];
  const started = Date.now();
  const tick = async () => {
    try {
      const heap = await inspector.heap();
      const tree = processTree(pid);
      samples.push({
        t: (Date.now() - started) / 1000,
        heapMiB: heap.used / MiB,
        rssMiB: tree.reduce((sum, p) => sum + p.rssBytes, 0) / MiB,
        workerdRssMiB:
          tree.filter((p) => p.comm.startsWith("workerd")).reduce((s, p) => s + p.rssBytes, 0) / MiB,
      });
    } catch {
      // the isolate is busy past the timeout or restarting; the next tick tries again
    }
  };
  const timer = setInterval(() => void tick(), 1000);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

async function main(): Promise<void> {
  const copies = Number(values.copies);
  const server = new BenchServer(Number(values.port));
  await server.start({}, "bench-memory");
  const inspector = await Inspector.connect(server.inspectorPort);
  try {
    const docs = docsCorpus(copies);
    const all: Sample[] = [];
    console.log(
      `docs-1mb x${copies}: ${docs.length} documents per round; isolate limit in production ${LIMIT_MIB} MB`,
    );
    console.log(
      "round  seconds  failed  heap peak MiB  heap after GC MiB  workerd RSS MiB  runtime RSS MiB (end)",
    );
    for (let round = 1; round <= Number(values.rounds); round++) {
      const sampler = startSampler(inspector, server.pid);
      const during: Promise<string>[] = [];
      const timer = values.snapshot
        ? setTimeout(() => during.push(byClassLine(inspector)), Number(values.snapshot) * 1000)
        : undefined;
      const result = await server.ingest(`mem_r${round}`, docs, 300);
      clearTimeout(timer);
      const samples = sampler.stop();
      const midLine = await Promise.all(during);
      const after = await retainedHeap(inspector);
      const afterLine = values.snapshot ? await byClassLine(inspector) : "";
      const tree = processTree(server.pid);
      const workerdRss = tree.filter((p) => p.comm.startsWith("workerd")).reduce((s, p) => s + p.rssBytes, 0);
      const rss = tree.reduce((sum, p) => sum + p.rssBytes, 0);
      const peak = Math.max(0, ...samples.map((s) => s.heapMiB));
      const offset = all.length > 0 ? (all[all.length - 1] as Sample).t + 1 : 0;
      all.push(...samples.map((s) => ({ ...s, t: s.t + offset })));
      console.log(
        `${String(round).padStart(5)}  ${result.seconds.toFixed(0).padStart(7)}  ${String(result.failed).padStart(6)}  ${peak.toFixed(1).padStart(13)}  ${(after.used / MiB).toFixed(1).padStart(17)}  ${(workerdRss / MiB).toFixed(0).padStart(15)}  ${(rss / MiB).toFixed(0).padStart(21)}`,
      );
      for (const line of midLine) console.log(`       ${values.snapshot} s in: ${line}`);
      if (afterLine) console.log(`       after GC: ${afterLine}`);
    }
    const over = all.filter((s) => s.heapMiB > LIMIT_MIB).length;
    console.log(
      `heap high-water mark ${Math.max(0, ...all.map((s) => s.heapMiB)).toFixed(1)} MiB over ${all.length} samples; ${over} sample(s) above ${LIMIT_MIB} MB`,
    );
    if (values.series) {
      console.log("t s   heap MiB  workerd RSS MiB  runtime RSS MiB");
      for (const s of all)
        console.log(
          `${s.t.toFixed(0).padStart(5)} ${s.heapMiB.toFixed(1).padStart(9)} ${s.workerdRssMiB.toFixed(0).padStart(16)} ${s.rssMiB.toFixed(0).padStart(16)}`,
        );
    }
  } finally {
    inspector.close();
    server.stop();
  }
}

if (values.split)
  await splitMain({
    port: Number(values.port),
    copies: Number(values.copies),
    rounds: Number(values.rounds),
    querySeconds: Number(values["query-seconds"]),
    queryConnections: Number(values["query-connections"]),
  });
else await main();
