/**
 * Starts the Worker the way a developer does (`wrangler dev --local` on 127.0.0.1) for
 * benchmarks and Node-side tests, and stops it with its whole process group.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

export interface DevServer {
  base: string;
  /** Process-group leader; its tree is the local runtime (for memory readings). */
  pid: number;
  /** Milliseconds from spawn until the readiness probe answered 200. */
  startupMs: number;
  stop(): void;
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
  const deadline = started + (options.timeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${options.command.join(" ")} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}${options.readyPath ?? "/health/ready"}`);
      if (res.status === 200)
        return { base, pid: child.pid as number, startupMs: Date.now() - started, stop };
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
}

export interface LocalWorkerOptions {
  port: number;
  /** `--var` overrides of wrangler.toml's local vars. */
  vars?: Record<string, string>;
  /** Prefix of the temporary state directory, to tell runs apart. */
  label?: string;
  /** wrangler's own log level; "error" keeps benchmark output clean. */
  logLevel?: "error" | "log" | "debug";
  logFile?: string;
  timeoutMs?: number;
}

/**
 * The Worker on a fresh, empty local state: migrations applied, then `wrangler dev --local`
 * with `vars`, ready when `/health/live` answers. For benchmarks that must not share state.
 *
 * @example
 * const worker = await startLocalWorker({ port: 9800, vars: { LOG_LEVEL: "ERROR" } });
 * try { await fetch(`${worker.base}/documents`); } finally { worker.stop(); }
 */
export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const persist = mkdtempSync(path.join(tmpdir(), `${options.label ?? "local-worker"}-`));
  const removeState = () => rmSync(persist, { recursive: true, force: true });
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
  const command = [WRANGLER, "dev", "--local", "--ip", "127.0.0.1", "--port", String(options.port)];
  command.push("--inspector-port", String(options.port + 100), "--persist-to", persist);
  command.push("--log-level", options.logLevel ?? "error", "--show-interactive-dev-session=false");
  for (const [key, value] of Object.entries(options.vars ?? {})) command.push("--var", `${key}:${value}`);
  try {
    const server = await startDevServer({
      command,
      port: options.port,
      readyPath: "/health/live",
      timeoutMs: options.timeoutMs,
      logFile: options.logFile,
    });
    return {
      ...server,
      persist,
      stop() {
        server.stop();
        removeState();
      },
    };
  } catch (error) {
    removeState();
    throw error;
  }
}

function killGroup(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}
