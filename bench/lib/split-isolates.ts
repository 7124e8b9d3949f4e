/**
 * The Worker with each Durable Object class in an isolate of its own, for per-class heap figures
 * (bench/memory.ts --split). `wrangler dev` runs the Worker and all its Durable Objects as one
 * workerd service, hence one V8 isolate and one heap; here the same bundle
 * (`wrangler deploy --dry-run --outdir`) runs under Miniflare's Node API as one service per
 * class: the "worker" service serves HTTP and the queue, and every Durable Object binding of every
 * service points (`scriptName`) at the service that hosts that class, as in production where each
 * class's objects run in isolates apart from the Worker's. The bindings are wrangler.toml's as
 * wrangler itself converts them (`unstable_getMiniflareWorkerOptions`), minus Workers AI and
 * Vectorize, which have no local simulator (the local configuration uses neither). Miniflare's
 * inspector proxy then lists one target per service (`/json`, URL ending in `/<service>`).
 * Bench-only: the product's wrangler.toml and src/ are unchanged.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Log, LogLevel, Miniflare, type WorkerOptions } from "miniflare";
import { type SourcelessWorkerOptions, unstable_getMiniflareWorkerOptions } from "wrangler";
import { ROOT } from "../../scripts/lib/dev-server";

const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

export interface SplitWorker {
  base: string;
  /** Inspector proxy port: `/json` lists one target per service. */
  inspectorPort: number;
  /** Service names: "worker" first, then one per Durable Object class, named after the class. */
  services: string[];
  stop(): Promise<void>;
}

/**
 * Bundles the Worker, applies the D1 migrations to a fresh state directory and starts one
 * Miniflare service per isolate.
 *
 * @example
 * const split = await startSplitWorker({ port: 9965, vars: { LOG_LEVEL: "ERROR" } });
 * try { await fetch(`${split.base}/health/live`); } finally { await split.stop(); }
 */
export async function startSplitWorker(options: {
  port: number;
  inspectorPort?: number;
  vars?: Record<string, string>;
  /** Working directory (bundle, state); default a fresh temporary one, removed by `stop()`. */
  work?: string;
  log?: (line: string) => void;
}): Promise<SplitWorker> {
  const log = options.log ?? (() => {});
  const work = options.work ?? mkdtempSync(path.join(tmpdir(), "bench-split-"));
  const bundle = path.join(work, "bundle");
  const persist = path.join(work, "state");
  mkdirSync(persist, { recursive: true });
  const run = (args: string[]) => {
    const result = spawnSync(WRANGLER, args, {
      cwd: ROOT,
      env: { ...process.env, CI: "true" },
      encoding: "utf8",
    });
    if (result.status !== 0)
      throw new Error(`wrangler ${args.join(" ")} failed: ${result.stderr.slice(-2000)}`);
  };
  log("bundling");
  run(["deploy", "--dry-run", "--outdir", bundle]);
  log("migrating");
  run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  log("starting");

  const base = unstable_getMiniflareWorkerOptions(path.join(ROOT, "wrangler.toml")).workerOptions;
  const workers = splitWorkers(base, bundle, options.vars ?? {});
  const inspectorPort = options.inspectorPort ?? options.port + 1;
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: options.port,
    inspectorPort,
    cf: false,
    defaultPersistRoot: path.join(persist, "v3"),
    workers,
    log: new Log(process.env.SPLIT_DEBUG ? LogLevel.DEBUG : LogLevel.WARN),
  });
  try {
    await mf.ready;
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return {
    base: `http://127.0.0.1:${options.port}`,
    inspectorPort,
    services: workers.map((worker) => worker.name ?? ""),
    async stop() {
      await mf.dispose();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * Miniflare services for wrangler's options of the script (`base`) and its bundle: "worker" with
 * HTTP, the queue consumers and the assets, and one service per Durable Object class, named after
 * the class, that hosts it. Every service binds every Durable Object namespace to its host
 * (`scriptName`), so any class reaches any other as in production. Workers AI and Vectorize are
 * left out: no local simulator, and the local configuration uses neither.
 *
 * @example
 * const workers = splitWorkers(unstable_getMiniflareWorkerOptions("wrangler.toml").workerOptions, "/tmp/b", {});
 * workers.map((w) => w.name); // ["worker", "WorkspaceCoordinator", "LoginGuard", "VectorIndex", …]
 */
export function splitWorkers(
  base: SourcelessWorkerOptions,
  bundle: string,
  vars: Record<string, string>,
): WorkerOptions[] {
  const { ai: _ai, vectorize: _vectorize, assets, modulesRules: _rules, durableObjects, ...shared } = base;
  const { queueConsumers, ...withoutConsumers } = shared;
  const bindings = { ...(shared.bindings ?? {}), ...vars };
  const classes = new Set<string>();
  const hosted = Object.fromEntries(
    Object.entries(durableObjects ?? {}).map(([name, value]) => {
      const designator = (typeof value === "string" ? { className: value } : value) as {
        className: string;
        useSQLite?: boolean;
      };
      classes.add(designator.className);
      return [name, { ...designator, scriptName: designator.className }];
    }),
  );
  const script = {
    modules: true,
    scriptPath: path.join(bundle, "index.js"),
    modulesRoot: bundle,
    modulesRules: [{ type: "CompiledWasm" as const, include: ["**/*.wasm"] }],
    unsafeInspectorProxy: true,
  };
  return [
    { ...shared, ...script, name: "worker", bindings, durableObjects: hosted, assets, queueConsumers },
    ...[...classes].map(
      (name): WorkerOptions => ({ ...withoutConsumers, ...script, name, bindings, durableObjects: hosted }),
    ),
  ];
}
