/**
 * Starts the Worker the way a developer does (`npm start`'s server, scripts/start-local.ts:
 * wrangler's local runtime behind the project's front, on 127.0.0.1) for
 * benchmarks and Node-side tests, and stops it with its whole process group. A local Worker
 * always keeps its server log (bench/logs/), so a failed benchmark can be explained afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** Where local Workers write their server logs unless told otherwise (git-ignored). */
export const BENCH_LOG_DIR = path.join(ROOT, "bench", "logs");
export const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

export interface DevServer {
  base: string;
  /** Process-group leader; its tree is the local runtime (for memory readings). */
  pid: number;
  /** Milliseconds from spawn until the readiness probe answered 200. */
  startupMs: number;
  stop(): void;
  /** SIGKILLs the whole process group (a crash: nothing is flushed) and resolves once it is gone. */
  kill(): Promise<void>;
}

export interface DevServerOptions {
  /** The command and arguments to run in the repository root, e.g. `["npm", "start", "--", ...]`. */
  command: string[];
  port: number;
  /** Path polled until it answers 200. */
  readyPath?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** File that receives the command's stdout and stderr; discarded when absent. */
  logFile?: string;
}

/**
 * Spawns `command` detached and waits for `readyPath` to answer 200.
 *
 * @example
 * const server = await startDevServer({ command: ["npm", "start", "--", "--port", "9700"], port: 9700 });
 * try { await fetch(`${server.base}/health`); } finally { server.stop(); }
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const base = `http://127.0.0.1:${options.port}`;
  const [command, ...args] = options.command;
  if (!command) throw new Error("no command");
  const started = Date.now();
  const output = options.logFile ? openSync(options.logFile, "w") : "ignore";
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", output, output],
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", ...options.env },
  });
  const stop = () => killGroup(child);
  const kill = async () => {
    killGroup(child, "SIGKILL");
    const gone = Date.now() + 10_000;
    while (Date.now() < gone && groupAlive(child)) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const deadline = started + (options.timeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${options.command.join(" ")} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}${options.readyPath ?? "/health/ready"}`);
      if (res.status === 200)
        return { base, pid: child.pid as number, startupMs: Date.now() - started, stop, kill };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stop();
  throw new Error(`${options.command.join(" ")} did not become ready on ${base}`);
}

export interface LocalWorker extends DevServer {
  /** The fresh local state directory (D1, Durable Objects, R2), removed by `stop()`. */
  persist: string;
  /** The server's stdout and stderr (wrangler's messages, the front's request lines, the Worker's console); kept. */
  logFile: string;
  /** The last `bytes` of the server log, for an error report. */
  logTail(bytes?: number): string;
}

export interface LocalWorkerOptions {
  port: number;
  /** `--var` overrides of wrangler.toml's local vars. */
  vars?: Record<string, string>;
  /** Prefix of the temporary state directory, to tell runs apart. */
  label?: string;
  /** wrangler's own log level; "log" (the default) records reloads and the Worker's console. */
  logLevel?: "error" | "log" | "debug";
  /** Server log; default `bench/logs/<label>-<timestamp>.log`. */
  logFile?: string;
  timeoutMs?: number;
  /**
   * An existing state directory to start on (a restart after `kill()`); `stop()` leaves it in
   * place. Default: a fresh temporary directory, removed by `stop()`.
   */
  persist?: string;
  /** Passes `--test-scheduled`, so `GET /__scheduled?cron=…` runs a cron handler on demand. */
  testScheduled?: boolean;
}

/**
 * The Worker on a fresh, empty local state: migrations applied, then scripts/start-local.ts
 * with `vars`, ready when `/health/live` answers. For benchmarks that must not share state.
 * The server log is kept and its path printed (stderr) by `stop()` and in a startup error.
 *
 * @example
 * const worker = await startLocalWorker({ port: 9800, vars: { LOG_LEVEL: "ERROR" } });
 * try { await fetch(`${worker.base}/documents`); } finally { worker.stop(); } // "server log: bench/logs/…"
 */
export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const label = options.label ?? "local-worker";
  const logFile = options.logFile ?? defaultLogFile(label, options.port);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const logTail = (bytes = 4000) => (existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-bytes) : "");
  const persist = options.persist ?? mkdtempSync(path.join(tmpdir(), `${label}-`));
  const removeState = () => {
    if (!options.persist) rmSync(persist, { recursive: true, force: true });
  };
  const migrate = spawnSync(
    WRANGLER,
    ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist],
    {
      cwd: ROOT,
      env: { ...process.env, CI: "true" },
      encoding: "utf8",
    },
  );
  if (migrate.status !== 0) {
    removeState();
    throw new Error(`migrations failed: ${migrate.stderr}`);
  }
  // `npm start`'s server (wrangler's dev environment behind scripts/lib/local-front.ts), with
  // wrangler dev's flags; under node itself, not tsx's CLI, which relays a SIGTERM and SIGKILLs a
  // child that has not acknowledged it within 30 ms: Miniflare's exit hook then never kills workerd.
  const command = [
    process.execPath,
    "--import",
    "tsx",
    "scripts/start-local.ts",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
  ];
  command.push("--inspector-port", String(options.port + 100), "--persist-to", persist);
  command.push("--log-level", options.logLevel ?? "log", "--show-interactive-dev-session=false");
  if (options.testScheduled) command.push("--test-scheduled");
  for (const [key, value] of Object.entries(options.vars ?? {})) command.push("--var", `${key}:${value}`);
  try {
    const server = await startDevServer({
      command,
      port: options.port,
      readyPath: "/health/live",
      timeoutMs: options.timeoutMs,
      logFile,
    });
    let stopped = false;
    return {
      ...server,
      persist,
      logFile,
      logTail,
      stop() {
        server.stop();
        removeState();
        if (!stopped) console.error(`server log: ${path.relative(process.cwd(), logFile) || logFile}`);
        stopped = true;
      },
    };
  } catch (error) {
    removeState();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}; server log ${logFile}:\n${logTail(2000)}`);
  }
}

/** `bench/logs/<label>-<UTC timestamp>-<port>.log`: one per Worker, sortable, never overwritten. */
function defaultLogFile(label: string, port: number): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  return path.join(BENCH_LOG_DIR, `${label}-${stamp}-${port}.log`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Whether any process of `child`'s group is still alive (signal 0 only checks). */
function groupAlive(child: ChildProcess): boolean {
  if (!child.pid) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}
