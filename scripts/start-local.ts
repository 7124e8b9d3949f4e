/**
 * The local server of `npm start` (after the docs, web UI and migrations steps): wrangler's dev
 * environment (`unstable_DevEnv`: the same bundling, bindings, vars, Durable Objects, queues,
 * persistence and `--test-scheduled` as `wrangler dev --local`, reloading on file changes) with
 * the public address served by scripts/lib/local-front.ts instead of wrangler's ProxyWorker,
 * which keeps connections to the runtime alive and loses requests on them under load
 * (docs/operations.md, "Why wrangler dev answers 503"). wrangler's ProxyWorker still runs, on a
 * port of its own (printed), and is not used.
 *
 *   node --import tsx scripts/start-local.ts             # 127.0.0.1:9621 (wrangler.toml [dev])
 *   node --import tsx scripts/start-local.ts --port 9700 --var LOG_LEVEL:ERROR --persist-to /tmp/state
 *
 * Run it under node itself, not tsx's CLI: that wrapper SIGKILLs a child that has not
 * acknowledged a relayed SIGTERM within 30 ms, which skips Miniflare's exit hook (workerd orphaned).
 *
 * Flags (those of `wrangler dev` the project uses): -c/--config, --ip, --port, --inspector-port,
 * --persist-to, --log-level, --test-scheduled, --var NAME:VALUE (repeatable); --local and
 * --show-interactive-dev-session are accepted and change nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { unstable_DevEnv, unstable_readConfig } from "wrangler";
import { createLocalFront, type FrontTarget } from "./lib/local-front";

const { values } = parseArgs({
  options: {
    config: { type: "string", short: "c", default: "wrangler.toml" },
    ip: { type: "string" },
    port: { type: "string" },
    "inspector-port": { type: "string" },
    "persist-to": { type: "string" },
    "log-level": { type: "string", default: "log" },
    "test-scheduled": { type: "boolean", default: false },
    var: { type: "string", multiple: true, default: [] },
    local: { type: "boolean", default: true },
    "show-interactive-dev-session": { type: "string" },
  },
});

const CONFIG = values.config;
// The public address: the flags, else wrangler.toml's [dev] (127.0.0.1:9621), as `wrangler dev` reads it.
const devConfig = unstable_readConfig({ config: CONFIG }, { hideWarnings: true }).dev;
const ip = values.ip ?? devConfig.ip;
const port = Number(values.port ?? devConfig.port ?? 8787);

type LogLevel = "none" | "error" | "warn" | "info" | "log" | "debug";
const LEVELS: LogLevel[] = ["none", "error", "warn", "info", "log", "debug"];
const logLevel = (LEVELS as string[]).includes(values["log-level"])
  ? (values["log-level"] as LogLevel)
  : "log";

const bindings: Record<string, { type: "plain_text"; value: string }> = {};
for (const pair of values.var) {
  const at = pair.indexOf(":");
  if (at <= 0) throw new Error(`--var expects NAME:VALUE, got ${pair}`);
  bindings[pair.slice(0, at)] = { type: "plain_text", value: pair.slice(at + 1) };
}

/** The runtime's address, replaced on every reload; requests wait while a reload runs. */
let settle: ((target: FrontTarget) => void) | undefined;
let current!: Promise<FrontTarget>;
/** A reload begins: later requests wait for its address (one wait however many reloads overlap). */
const pending = () => {
  if (settle) return;
  current = new Promise((resolve) => {
    settle = resolve;
  });
};
pending();

const devEnv = new unstable_DevEnv();
// The dev environment tells its proxy controller where the runtime is; the front listens in.
const proxy = devEnv.proxy;
const onReloadStart = proxy.onReloadStart.bind(proxy);
const onReloadComplete = proxy.onReloadComplete.bind(proxy);
proxy.onReloadStart = (event) => {
  pending();
  onReloadStart(event);
};
proxy.onReloadComplete = (event) => {
  const { protocol, hostname, port } = event.proxyData.userWorkerUrl;
  const target = { origin: `${protocol}//${hostname}:${port}`, headers: event.proxyData.headers };
  if (settle) settle(target);
  else current = Promise.resolve(target);
  settle = undefined;
  onReloadComplete(event);
};

const worker = await devEnv.startWorker({
  config: CONFIG,
  bindings,
  build: {
    // As `wrangler dev` decides from wrangler.toml: nodejs_compat on a recent date is "v2".
    nodejsCompatMode: (config) => (config.compatibility_flags.includes("nodejs_compat") ? "v2" : null),
  },
  dev: {
    remote: false,
    // wrangler's own proxy: any free port, unused.
    server: { hostname: "127.0.0.1", port: 0 },
    inspector: values["inspector-port"] ? { port: Number(values["inspector-port"]) } : undefined,
    persist: values["persist-to"],
    testScheduled: values["test-scheduled"],
    logLevel,
    liveReload: false,
  },
});
await worker.ready;
await current;

const quiet = logLevel === "none" || logLevel === "error" || logLevel === "warn";
const front = createLocalFront({
  target: () => current,
  log: quiet ? undefined : (line) => console.log(`[local] ${line}`),
});
// workerd's backlog (4096), not Node's 511: a burst of 500 new connections is accepted at once.
front.listen({ port, host: ip, backlog: 4096 }, () => {
  console.log(`[local] Ready on http://${ip}:${port} (wrangler's proxy above is not used)`);
});

/** This process's children (Linux /proc; none elsewhere): the two workerd runtimes and esbuild. */
function children(): number[] {
  const out: number[] = [];
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid)
          out.push(Number(entry));
      } catch {
        // ended while reading
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

// Miniflare kills its workerd on exit; this also covers an exit its hook does not see (a
// workerd left behind runs on orphaned, spinning at 22–29 % of a core, measured).
process.on("exit", () => {
  for (const pid of children()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});
const stop = async () => {
  front.close();
  await Promise.race([worker.dispose(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
