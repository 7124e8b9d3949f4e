/**
 * Graph explorer rendering bench: a local Worker holding a graph of ≥ 5,000 entities (docs-1mb
 * copies ingested through `POST /documents/texts`, each copy tagged so entities do not merge),
 * the built web UI opened in headless Chromium (software WebGL, so an upper bound of what a
 * real GPU gives), the whole graph loaded with `max_nodes` ≥ 5,000, and then printed: time to
 * first render, requestAnimationFrame deltas (median, p95, share > 50 ms) while the layout runs
 * and during a scripted ~5 s camera pan/zoom, the CPU time all Chromium processes spent per
 * frame of it (the renderer, and the GPU process that runs software WebGL: a figure the machine's
 * load changes less than frames/s), and the JS heap. The pan/zoom runs `--rounds` times in each
 * rendering mode of the page (its "Fast rendering" checkbox off, then on), side by side in the
 * same page, so one run compares them; the medians over the rounds are printed last.
 *
 *   BENCH_DATA=/work/shared/bench-data npx tsx bench/webui-graph.ts [--copies 2] [--port 9881]
 *     [--max-nodes 5000] [--state DIR] [--rounds 3] [--profile] [--no-labels]
 *
 * `--state DIR` keeps the Worker's local state in DIR and skips ingestion when DIR's workspace
 * already holds the graph, so a before/after comparison does not ingest twice. The web UI is
 * rebuilt first (`scripts/build-webui.ts`), so the figures are of the working tree's UI.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import { devFetch } from "../scripts/lib/dev-fetch";
import { ROOT, startLocalWorker } from "../scripts/lib/dev-server";
import { BenchServer, docsCorpus, median, percentile } from "./query-server";

const { values: args } = parseArgs({
  options: {
    copies: { type: "string", default: "2" },
    port: { type: "string", default: "9881" },
    "max-nodes": { type: "string", default: "5000" },
    state: { type: "string" },
    "pan-seconds": { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    profile: { type: "boolean", default: false },
    "no-labels": { type: "boolean", default: false },
  },
});
const COPIES = Number(args.copies);
const PORT = Number(args.port);
const MAX_NODES = Number(args["max-nodes"]);
const PAN_MS = Number(args["pan-seconds"]) * 1000;
const ROUNDS = Number(args.rounds);
const WORKSPACE = "graphbench";
const MIN_ENTITIES = 5_000;

/** Headless Chromium as the e2e harness runs it, with software WebGL (SwiftShader) allowed. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-gl=angle",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  // Frames are timed, so nothing may throttle requestAnimationFrame.
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
];

interface FrameStats {
  frames: number;
  fps: number;
  median: number;
  p95: number;
  over50: number;
}

function frameStats(deltas: number[]): FrameStats {
  return {
    frames: deltas.length,
    fps: deltas.length ? (deltas.length * 1000) / deltas.reduce((a, b) => a + b, 0) : Number.NaN,
    median: median(deltas),
    p95: percentile(deltas, 0.95),
    over50: deltas.length ? deltas.filter((d) => d > 50).length / deltas.length : Number.NaN,
  };
}

async function entityCount(base: string): Promise<number> {
  const res = await devFetch(`${base}/graph/label/list`, { headers: { "LIGHTRAG-WORKSPACE": WORKSPACE } });
  if (!res.ok) throw new Error(`/graph/label/list answered ${res.status}`);
  return ((await res.json()) as string[]).length;
}

/** Starts collecting rAF deltas in the page; `stop` returns them. */
async function recordFrames(page: Page): Promise<{ stop(): Promise<number[]> }> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    let last = performance.now();
    const tick = (now: number) => {
      w.__frames.push(now - last);
      last = now;
      if (w.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(tick);
    });
  });
  return {
    stop: () =>
      page.evaluate(() => {
        const w = window as unknown as { __frames: number[]; __recording: boolean };
        w.__recording = false;
        return w.__frames;
      }),
  };
}

/**
 * CPU time (ms) used so far by every process of the Chromium whose profile directory is
 * `profile`: the browser, its GPU process (software WebGL runs there) and its renderers. Linux
 * only (/proc); clock ticks of 10 ms.
 */
function chromiumCpuMs(profile: string): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  let root = -1;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the command name: state ppid … utime (12th) stime (13th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(name), Number(fields[1]));
      ticks.set(Number(name), Number(fields[11]) + Number(fields[12]));
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (cmd.includes(profile) && !cmd.includes("--type=")) root = Number(name);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, used] of ticks) {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && p > 1 && depth < 10; depth++) {
      if (p === root) {
        total += used;
        break;
      }
      p = parent.get(p);
    }
  }
  return total * 10;
}

async function heapMb(page: Page): Promise<number> {
  const client = await page.context().newCDPSession(page);
  await client.send("HeapProfiler.collectGarbage");
  const { usedSize } = (await client.send("Runtime.getHeapUsage")) as { usedSize: number };
  await client.detach();
  return usedSize / 1024 / 1024;
}

interface CpuProfile {
  nodes: {
    id: number;
    children?: number[];
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** `--profile`: the functions with the most self time during the pan/zoom (where frames go). */
function printProfile(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const name = frame
      ? `${frame.functionName || "(anon)"} ${path.basename(frame.url)}:${frame.lineNumber}`
      : "?";
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`CPU profile of the pan/zoom (${total.toFixed(0)} ms sampled), top self time:`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  // Who calls readPixels (a GPU sync): the callers' chain of the heaviest sample site.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sync = profile.nodes.filter((n) => n.callFrame.functionName === "readPixels");
  for (const n of sync.slice(0, 3)) {
    const chain: string[] = [];
    for (let id: number | undefined = n.id; id !== undefined && chain.length < 8; id = parent.get(id)) {
      const f = byId.get(id);
      if (f) chain.push(`${f.functionName || "(anon)"}@${f.lineNumber}:${f.columnNumber}`);
    }
    console.log(`  readPixels ← ${chain.slice(1).join(" ← ")}`);
  }
}

async function main() {
  const build = spawnSync("npx", ["tsx", "scripts/build-webui.ts"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("web UI build failed");

  const keepState = args.state !== undefined;
  const persist = args.state ?? mkdtempSync(path.join(tmpdir(), "bench-webui-graph-"));
  mkdirSync(persist, { recursive: true });
  const vars = {
    LOG_LEVEL: "ERROR",
    AUDIT_LOGGING_ENABLED: "false",
    RATE_LIMIT_ENABLED: "false",
    MAX_GRAPH_NODES: String(Math.max(MAX_NODES, 10_000)),
  };
  const worker = await startLocalWorker({ port: PORT, vars, label: "bench-webui-graph", persist });
  const browserProfile = mkdtempSync(path.join(tmpdir(), "bench-webui-chromium-"));
  try {
    let entities = await entityCount(worker.base);
    if (entities < MIN_ENTITIES) {
      const server = new BenchServer(PORT);
      const docs = docsCorpus(COPIES);
      console.error(`ingesting ${docs.length} documents (docs-1mb × ${COPIES}) into ${WORKSPACE}…`);
      const ingest = await server.ingest(WORKSPACE, docs, 300);
      entities = await entityCount(worker.base);
      console.error(
        `ingested in ${ingest.seconds.toFixed(0)} s (${ingest.processed} processed, ${ingest.failed} failed): ${entities} entities`,
      );
    }
    if (entities < MIN_ENTITIES) console.error(`warning: only ${entities} entities; raise --copies`);

    const context = await chromium.launchPersistentContext(browserProfile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1366, height: 820 },
    });
    // tsx compiles with keepNames: functions sent by page.evaluate call esbuild's `__name`.
    await context.addInitScript({ content: "globalThis.__name = (fn) => fn;" });
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
    await page.goto(`${worker.base}/webui/#/signin`);
    await page.getByRole("button", { name: "Continue as guest" }).click();
    await page.getByText("Guest mode").waitFor();
    // The guest's workspace is chosen in the session the UI keeps; pick the bench's one.
    await page.evaluate((ws) => {
      for (const storage of [localStorage, sessionStorage]) {
        for (const key of Object.keys(storage)) {
          const value = storage.getItem(key) ?? "";
          if (value.includes('"workspace"')) {
            const parsed = JSON.parse(value) as Record<string, unknown>;
            parsed.workspace = ws;
            storage.setItem(key, JSON.stringify(parsed));
          }
        }
      }
    }, WORKSPACE);
    await page.goto(`${worker.base}/webui/#/graph`);
    await page.reload();
    await page.getByLabel("Max nodes").selectOption(String(MAX_NODES));
    const renderer = await page.evaluate(() => {
      const gl = document.createElement("canvas").getContext("webgl");
      const info = gl?.getExtension("WEBGL_debug_renderer_info");
      return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : gl ? "webgl" : "none";
    });

    // Time to first render: from navigation to the status line with the counts and a drawn canvas.
    const layoutFrames = await recordFrames(page);
    const t0 = Date.now();
    await page.evaluate(() => {
      location.hash = "#/graph?label=*";
    });
    const status = page.getByTestId("graph-status");
    await status.filter({ hasText: /\d+ nodes/ }).waitFor({ timeout: 120_000 });
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const firstRenderMs = Date.now() - t0;
    const statusText = (await status.textContent()) ?? "";
    const fetchMs = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => e.name.includes("/graphs?"))
        .reduce((sum, e) => sum + e.duration, 0),
    );
    // The layout runs a few seconds after a load; wait until the button says it stopped.
    await page.getByRole("button", { name: "Run layout" }).waitFor({ timeout: 60_000 });
    const layout = frameStats(await layoutFrames.stop());

    // `--no-labels`: the page's Labels checkbox off, to tell the labels' cost from the WebGL layers'.
    if (args["no-labels"]) await page.getByLabel("Labels").uncheck();
    const box = await page.getByTestId("graph-canvas").boundingBox();
    if (!box) throw new Error("no graph canvas");
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const fastToggle = page.getByLabel("Fast rendering");
    const autoFast = await fastToggle.isChecked();
    const cdp = args.profile ? await context.newCDPSession(page) : null;
    /** Scripted camera: drag pans and wheel zooms over the canvas for PAN_MS. */
    const panZoom = async (): Promise<FrameStats & { cpuPerFrame: number }> => {
      const cpuBefore = chromiumCpuMs(browserProfile);
      const frames = await recordFrames(page);
      const panStart = Date.now();
      let step = 0;
      while (Date.now() - panStart < PAN_MS) {
        const phase = step % 4;
        if (phase < 2) {
          await page.mouse.move(cx, cy);
          await page.mouse.down();
          for (let i = 1; i <= 10; i++)
            await page.mouse.move(cx + (phase ? -1 : 1) * i * 15, cy + (phase ? 1 : -1) * i * 8);
          await page.mouse.up();
        } else {
          await page.mouse.move(cx, cy);
          for (let i = 0; i < 5; i++) await page.mouse.wheel(0, phase === 2 ? -120 : 120);
        }
        step++;
      }
      const stats = frameStats(await frames.stop());
      return { ...stats, cpuPerFrame: (chromiumCpuMs(browserProfile) - cpuBefore) / stats.frames };
    };
    const rounds: { mode: "quality" | "fast"; round: number; stats: FrameStats & { cpuPerFrame: number } }[] =
      [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of ["quality", "fast"] as const) {
        await fastToggle.setChecked(mode === "fast");
        // Let the renderer redraw in the new mode before timing.
        await page.evaluate(
          () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
        );
        const profiling = cdp !== null && round === ROUNDS && mode === "fast";
        if (profiling) {
          await cdp.send("Profiler.enable");
          await cdp.send("Profiler.start");
        }
        rounds.push({ mode, round, stats: await panZoom() });
        if (profiling) printProfile(((await cdp.send("Profiler.stop")) as { profile: CpuProfile }).profile);
      }
    }
    const heap = await heapMb(page);
    await context.close();

    const load = (await import("node:os")).loadavg().map((l) => l.toFixed(1));
    const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
    console.log(`graph: ${statusText.trim()} (${entities} entities in the workspace)`);
    console.log(
      `WebGL renderer: ${renderer}; load average ${load.join(" ")}; cores ${(await import("node:os")).cpus().length}`,
    );
    console.log(`time to first render: ${firstRenderMs} ms (of which GET /graphs: ${fetchMs.toFixed(0)} ms)`);
    console.log(`fast rendering was ${autoFast ? "on" : "off"} by itself for this graph`);
    console.log(
      "| phase | frames | frames/s | median ms | p95 ms | frames > 50 ms | Chromium CPU ms/frame |",
    );
    console.log("|---|---|---|---|---|---|---|");
    const row = (name: string, s: FrameStats, cpu?: number) =>
      console.log(
        `| ${name} | ${s.frames} | ${f(s.fps)} | ${f(s.median)} | ${f(s.p95)} | ${(s.over50 * 100).toFixed(0)} % | ${cpu === undefined ? "-" : cpu.toFixed(0)} |`,
      );
    row("load + layout", layout);
    for (const { mode, round, stats } of rounds)
      row(`pan/zoom, ${mode}, round ${round}`, stats, stats.cpuPerFrame);
    console.log("medians over the rounds (pan/zoom):");
    console.log("| mode | frames/s | p95 ms | Chromium CPU ms/frame |");
    console.log("|---|---|---|---|");
    for (const mode of ["quality", "fast"] as const) {
      const mine = rounds.filter((r) => r.mode === mode).map((r) => r.stats);
      console.log(
        `| ${mode} | ${f(median(mine.map((s) => s.fps)))} | ${f(median(mine.map((s) => s.p95)))} | ${median(mine.map((s) => s.cpuPerFrame)).toFixed(0)} |`,
      );
    }
    console.log(`JS heap after pan/zoom (after GC): ${heap.toFixed(1)} MB`);
    console.log("headless Chromium renders WebGL in software: figures are an upper bound of a GPU's.");
  } finally {
    worker.stop();
    rmSync(browserProfile, { recursive: true, force: true });
    if (!keepState && existsSync(persist)) rmSync(persist, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
