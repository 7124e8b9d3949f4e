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
 * inspector proxy then lists one target per service (`/json`, "core:user:<service>").
 * Bench-only: the product's wrangler.toml and src/ are unchanged.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Log, LogLevel, Miniflare, type WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { ROOT } from "../../scripts/lib/dev-server";

const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

/** Service name per Durable Object class; "worker" hosts HTTP, the queue consumer and the cron. */
export const HOSTS: Record<string, string> = {
  VectorIndex: "do-vector-index",
  GraphIndex: "do-graph-index",
  WorkspaceCoordinator: "do-coordinator",
  RateLimiter: "do-rate-limiter",
  LoginGuard: "do-login-guard",
  MetricsAggregator: "do-metrics",
  RuntimeFlags: "do-flags",
};

export interface SplitWorker {
  base: string;
  /** Inspector proxy port: `/json` lists one target per service. */
  inspectorPort: number;
  /** Service names, "worker" first, then one per Durable Object class (HOSTS). */
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
  // No local simulator for these two; wrangler dev --local proxies them remotely (unused locally).
  const { ai: _ai, vectorize: _vectorize, assets, modulesRules: _rules, durableObjects, ...shared } = base;
  const bindings = { ...(shared.bindings ?? {}), ...(options.vars ?? {}) };
  const hosted = Object.fromEntries(
    Object.entries(durableObjects ?? {}).map(([name, value]) => {
      const designator = (typeof value === "string" ? { className: value } : value) as {
        className: string;
        useSQLite?: boolean;
      };
      return [name, { ...designator, scriptName: HOSTS[designator.className] ?? "worker" }];
    }),
  );
  const script = {
    modules: true,
    scriptPath: path.join(bundle, "index.js"),
    modulesRoot: bundle,
    modulesRules: [{ type: "CompiledWasm" as const, include: ["**/*.wasm"] }],
    unsafeInspectorProxy: true,
  };
  const { queueConsumers, ...withoutConsumers } = shared;
  const workers: WorkerOptions[] = [
    { ...shared, ...script, name: "worker", bindings, durableObjects: hosted, assets, queueConsumers },
    ...Object.values(HOSTS).map(
      (name): WorkerOptions => ({
        ...withoutConsumers,
        ...script,
        name,
        bindings,
        durableObjects: hosted,
      }),
    ),
  ];
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
    services: ["worker", ...Object.values(HOSTS)],
    async stop() {
      await mf.dispose();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
