/**
 * Shared by bench/query.ts and bench/retrieval.ts: starts `wrangler dev --local` on a fresh
 * state directory, ingests a corpus through `POST /documents/texts` and waits until every
 * document is processed. Targets 127.0.0.1 only.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DATA = path.resolve(ROOT, "..", "shared", "bench-data");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

export interface Doc {
  text: string;
  source: string;
}

/** docs-1mb as files; `copies` > 1 repeats it with every capitalised word tagged per copy, so entities do not merge. */
export function docsCorpus(copies = 1): Doc[] {
  const dir = path.join(DATA, "docs-1mb");
  const files = readdirSync(dir)
    .filter((file) => file !== "SOURCE.md" && file !== "MANIFEST.tsv")
    .sort();
  const docs: Doc[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), "utf8");
      docs.push(
        copy === 0
          ? { text, source: file }
          : { text: text.replace(/\b(\p{Lu}[\p{L}\p{N}]*)/gu, `$1X${copy}`), source: `c${copy}_${file}` },
      );
    }
  }
  return docs;
}

export const median = (values: number[]) => percentile(values, 0.5);

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

export class BenchServer {
  readonly base: string;
  private child: ChildProcess | null = null;
  private persist = "";

  constructor(private readonly port: number) {
    this.base = `http://127.0.0.1:${port}`;
  }

  async start(vars: Record<string, string> = {}): Promise<void> {
    this.persist = mkdtempSync(path.join(tmpdir(), "bench-query-"));
    const migrate = spawnSync(
      WRANGLER,
      ["d1", "migrations", "apply", "DB", "--local", "--persist-to", this.persist],
      {
        cwd: ROOT,
        env: { ...process.env, CI: "true" },
        encoding: "utf8",
      },
    );
    if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
    const args = ["dev", "--local", "--ip", "127.0.0.1", "--port", String(this.port)];
    args.push("--inspector-port", String(this.port + 100), "--persist-to", this.persist);
    args.push("--log-level", "error", "--show-interactive-dev-session=false");
    const all = { LOG_LEVEL: "ERROR", AUDIT_LOGGING_ENABLED: "false", RATE_LIMIT_ENABLED: "false", ...vars };
    for (const [key, value] of Object.entries(all)) args.push("--var", `${key}:${value}`);
    this.child = spawn(WRANGLER, args, { cwd: ROOT, detached: true, stdio: "ignore", env: process.env });
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${this.base}/health/live`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error("wrangler dev did not start");
  }

  stop(): void {
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    if (this.persist) rmSync(this.persist, { recursive: true, force: true });
  }

  async post<T>(workspace: string, pathName: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.base}${pathName}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${pathName} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  /**
   * Ingests `docs` into `workspace`; returns seconds taken, failures and how many were
   * processed. Gives up waiting once nothing has moved for `stallSeconds`, so a stuck
   * pipeline shows in the figures instead of hanging the benchmark.
   */
  async ingest(
    workspace: string,
    docs: Doc[],
    stallSeconds = 120,
  ): Promise<{ seconds: number; failed: number; processed: number }> {
    const started = performance.now();
    for (let i = 0; i < docs.length; i += 200) {
      const slice = docs.slice(i, i + 200);
      await this.post(workspace, "/documents/texts", {
        texts: slice.map((d) => d.text),
        file_sources: slice.map((d) => d.source),
      });
    }
    let last = -1;
    let lastMove = performance.now();
    while (true) {
      const res = await fetch(`${this.base}/documents/status_counts`, {
        headers: { "LIGHTRAG-WORKSPACE": workspace },
      });
      const counts = ((await res.json()) as { status_counts: Record<string, number> }).status_counts;
      const done = (counts.processed ?? 0) + (counts.failed ?? 0);
      if (done !== last) {
        last = done;
        lastMove = performance.now();
      }
      if (done >= docs.length || performance.now() - lastMove > stallSeconds * 1000) {
        const seconds = (performance.now() - started) / 1000;
        return { seconds, failed: counts.failed ?? 0, processed: counts.processed ?? 0 };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
