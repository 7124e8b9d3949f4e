/**
 * Splits a V8 CPU profile of the local runtime's one isolate (the Worker and every Durable
 * Object class share it in workerd) into who the CPU would be billed to in production: the
 * Worker's request path, the Durable Objects, the local embedder and local LLM (remote calls in
 * production), and the rest ("(program)", "(garbage collector)", frames of no source module).
 *
 * Method: wrangler bundles the Worker unminified, and esbuild marks each module's start with a
 * `// src/…` or `// node_modules/…` comment, so a frame's line in the bundle names its source
 * module. A sample belongs to the outermost (nearest the root) frame of one of our modules in
 * its stack: a Durable Object class's file (or the in-isolate helpers only such a class uses)
 * means "Durable Object", any other `src/` module means "Worker"; library frames (Hono, zod,
 * drizzle, wasm) go with the module that called them. A stack with hashEmbedding or the local
 * LLM in it is counted apart whatever its root. V8 profiles have no async stacks: code resumed
 * after an `await` is attributed by its own module, which is exact for the Durable Object
 * classes (their methods resume in their own files) and puts shared helpers a DO awaits in
 * (none on the query path) on the Worker's side. The D1 simulator and wrangler's entry worker
 * run in other isolates, so they are not in the profile at all (only in the thread CPU).
 */
import type { CpuProfile, CpuProfileNode } from "./inspector";

/** Files of the Durable Object classes and code only they run, relative to the repository. */
const DURABLE_OBJECT_MODULES = [
  /^src\/storage\/graph-index\/(graph-index|schema)\.ts$/,
  /^src\/storage\/local-vector\/(vector-index|matrix|math)\.ts$/,
  /^src\/pipeline\/(coordinator|merge-queue)\.ts$/,
  /^src\/ratelimit\/limiter-object\.ts$/,
  /^src\/flags\/flags-object\.ts$/,
  /^src\/observability\/metrics-aggregator\.ts$/,
  /^src\/auth\/login-guard\.ts$/,
];
const EMBEDDER = /^src\/providers\/local-embedding\.ts$/;
const LOCAL_LLM = /^src\/providers\/(local-llm|local\/.*)\.ts$/;

export type Owner = "worker" | "durableObject" | "embedder" | "localLlm" | "library" | "other";

export interface Attribution {
  /** Milliseconds of samples per owner (sample deltas, as V8 reports them). */
  ms: Record<Owner, number>;
  /** Non-idle total (the sum of `ms`). */
  busyMs: number;
  /** Number of samples per owner: on a loaded machine a sample's delta stretches over the time
   * the thread waited for a core, while the count follows the time it ran, so shares use counts. */
  count: Record<Owner, number>;
  /** Non-idle samples (the sum of `count`). */
  busyCount: number;
  /** Owner of each profile node (a sample's leaf), for per-owner lists of functions. */
  ownerOfNode: (id: number) => Owner | "idle";
  /**
   * Of the Worker's samples, those inside the native `console.log` our logger's sink calls
   * (`LOG_SINK`): what writing log lines costs the local runtime, which production's Workers Logs
   * does differently (bench/local-console.ts measures the local cost alone).
   */
  loggedCount: number;
}

/** The logger's sink, the one frame of ours that calls `console.log` (src/observability/logger.ts). */
const LOG_SINK = { module: "src/observability/logger.ts", functionName: "consoleSink" };

/** Line → module of a bundle, from esbuild's `// path` comments at each module's start. */
export function moduleIndex(bundle: string): (line: number) => string | undefined {
  const starts: { line: number; module: string }[] = [];
  bundle.split("\n").forEach((text, line) => {
    const match = /^\/\/ ((?:src|node_modules|\.\.\/)[^\s]*\.(?:ts|js|mjs|cjs|wasm))$/.exec(text);
    if (match?.[1]) starts.push({ line, module: match[1] });
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const start = starts[mid] as { line: number; module: string };
      if (start.line <= line) {
        found = start.module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/**
 * Attributes every non-idle sample of `profile`; `moduleOf(url, line)` names a frame's module.
 *
 * @example
 * const split = attribute(profile, (url, line) => (url === bundleUrl ? lookup(line) : undefined));
 * const workerShare = split.count.worker / split.busyCount; // × the thread's CPU
 */
export function attribute(
  profile: CpuProfile,
  moduleOf: (url: string, line: number) => string | undefined,
): Attribution {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<number, Owner | "idle">();
  const ownerOf = (id: number): Owner | "idle" => {
    const known = owners.get(id);
    if (known) return known;
    const leaf = nodes.get(id) as CpuProfileNode;
    let owner: Owner | "idle" = "other";
    if (leaf.callFrame.functionName === "(idle)") owner = "idle";
    else {
      let outermost: string | undefined;
      let excluded: Owner | undefined;
      let library = false;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = (nodes.get(at) as CpuProfileNode).callFrame;
        const module = moduleOf(frame.url, frame.lineNumber);
        if (module && !module.startsWith("src/")) library = true;
        if (!module?.startsWith("src/")) continue;
        if (EMBEDDER.test(module)) excluded = "embedder";
        else if (LOCAL_LLM.test(module) && !excluded) excluded = "localLlm";
        outermost = module;
      }
      if (excluded) owner = excluded;
      else if (outermost)
        owner = DURABLE_OBJECT_MODULES.some((re) => re.test(outermost)) ? "durableObject" : "worker";
      // Library code resumed after an `await` (Hono's middleware chain, zod, drizzle) has no
      // caller of ours in its stack: mostly the Worker's, shown apart as its margin.
      else if (library) owner = "library";
    }
    owners.set(id, owner);
    return owner;
  };
  const ms: Record<Owner, number> = {
    worker: 0,
    durableObject: 0,
    embedder: 0,
    localLlm: 0,
    library: 0,
    other: 0,
  };
  const count: Record<Owner, number> = { ...ms };
  // A native leaf (no URL) called by the sink is the console.log itself.
  const logged = (id: number): boolean => {
    const leaf = nodes.get(id) as CpuProfileNode;
    const caller = parent.get(id);
    if (leaf.callFrame.url !== "" || caller === undefined) return false;
    const frame = (nodes.get(caller) as CpuProfileNode).callFrame;
    return (
      frame.functionName === LOG_SINK.functionName &&
      moduleOf(frame.url, frame.lineNumber) === LOG_SINK.module
    );
  };
  let busyMs = 0;
  let busyCount = 0;
  let loggedCount = 0;
  profile.samples.forEach((id, i) => {
    const owner = ownerOf(id);
    if (owner === "idle") return;
    if (owner === "worker" && logged(id)) loggedCount++;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    ms[owner] += delta;
    busyMs += delta;
    count[owner]++;
    busyCount++;
  });
  return { ms, busyMs, count, busyCount, ownerOfNode: ownerOf, loggedCount };
}
