/**
 * Starts the Worker the way a developer does (`wrangler dev --local` on 127.0.0.1) for
 * benchmarks and Node-side tests, and stops it with its whole process group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface DevServer {
  base: string;
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
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: "ignore",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", ...options.env },
  });
  const stop = () => killGroup(child);
  const deadline = started + (options.timeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${options.command.join(" ")} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}${options.readyPath ?? "/health/ready"}`);
      if (res.status === 200) return { base, startupMs: Date.now() - started, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stop();
  throw new Error(`${options.command.join(" ")} did not become ready on ${base}`);
}

function killGroup(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}
