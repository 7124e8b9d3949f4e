/**
 * Shared by bench/query.ts and bench/retrieval.ts: starts `wrangler dev --local` on a fresh
 * state directory, ingests a corpus through `POST /documents/texts` and waits until every
 * document is processed. Targets 127.0.0.1 only. Requests go through `devFetch`, which sends
 * again what wrangler dev drops while a queue batch runs; the server log is in bench/logs/.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { devFetch } from "../scripts/lib/dev-fetch";
import { type LocalWorker, ROOT, startLocalWorker } from "../scripts/lib/dev-server";
import { readPgMigrations } from "../scripts/pg-migrations";
import { createPgPool } from "../src/storage/neon/client";
import { migratePg } from "../src/storage/neon/migrate";
import { DEFAULT_INDEXED_DIM, hnswIndexName, VECTOR_TABLES } from "../src/storage/neon/schema-vectors";

/** The bench data sets beside the checkout; `BENCH_DATA` points elsewhere (e.g. from a git worktree). */
export const DATA = process.env.BENCH_DATA ?? path.resolve(ROOT, "..", "shared", "bench-data");

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

/**
 * Questions built from the corpus' own section titles, so every mode has something to find.
 *
 * @example
 * const asked = questions(docsCorpus(1).map((d) => d.text), 100); // "How does … work?"
 */
export function questions(texts: string[], count: number): string[] {
  const titles: string[] = [];
  for (const text of texts) {
    const lines = text.split("\n");
    for (let i = 1; i < lines.length; i++) {
      const underline = lines[i]?.trim() ?? "";
      const title = lines[i - 1]?.trim() ?? "";
      if (/^[=\-~^]{3,}$/.test(underline) && title.length > 3 && !/^[=\-~^]+$/.test(title))
        titles.push(title);
    }
  }
  const out: string[] = [];
  for (let i = 0; out.length < count && titles.length > 0; i++) {
    out.push(`How does ${titles[(i * 7) % titles.length]} work?`);
  }
  return out;
}

export const median = (values: number[]) => percentile(values, 0.5);

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/**
 * A status read answers in milliseconds; one held up by a running queue batch is parked by
 * wrangler dev when the batch ends, so it is sent again every few seconds (each new request
 * also releases the parked one). The stall limit of `ingest` still bounds the wait.
 */
const STATUS_POLL = { timeoutMs: 5_000, attempts: 1_000, quiet: true };

export class BenchServer {
  readonly base: string;
  private worker: LocalWorker | null = null;

  constructor(readonly port: number) {
    this.base = `http://127.0.0.1:${port}`;
  }

  /** `persist`: an existing state directory to serve (kept on stop), instead of a fresh one. */
  async start(vars: Record<string, string> = {}, label = "bench-query", persist?: string): Promise<void> {
    const all = { LOG_LEVEL: "ERROR", AUDIT_LOGGING_ENABLED: "false", RATE_LIMIT_ENABLED: "false", ...vars };
    this.worker = await startLocalWorker({ port: this.port, vars: all, label, persist });
  }

  stop(): void {
    this.worker?.stop();
  }

  /** Process-group leader of the running `wrangler dev` (its tree is the local runtime). */
  get pid(): number {
    if (!this.worker) throw new Error("not started");
    return this.worker.pid;
  }

  /** The local state directory (D1's SQLite files are under `v3/d1/`). */
  get persist(): string {
    if (!this.worker) throw new Error("not started");
    return this.worker.persist;
  }

  /** The last `bytes` of the server log, to say what failed. */
  logTail(bytes = 2000): string {
    return this.worker?.logTail(bytes) ?? "";
  }

  /** The inspector port `wrangler dev` was given (see scripts/lib/dev-server.ts). */
  get inspectorPort(): number {
    return this.port + 100;
  }

  async post<T>(workspace: string, pathName: string, body: unknown): Promise<T> {
    return (await this.postWithTiming<T>(workspace, pathName, body)).body;
  }

  /** Like `post`, with the answer's `Server-Timing` phases (ms by name). */
  async postWithTiming<T>(
    workspace: string,
    pathName: string,
    body: unknown,
  ): Promise<{ body: T; phases: Map<string, number> }> {
    const res = await devFetch(`${this.base}${pathName}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${pathName} answered ${res.status}: ${await res.text()}`);
    return { body: (await res.json()) as T, phases: parseServerTiming(res.headers.get("server-timing")) };
  }

  /**
   * Ingests `docs` into `workspace`; returns seconds taken, failures and how many were
   * processed. Gives up waiting once nothing has moved for `stallSeconds`, or once
   * `capSeconds` of wall clock have passed (`capped`), so a stuck or slow pipeline shows in
   * the figures instead of hanging the benchmark. `onProgress` sees every status poll.
   */
  async ingest(
    workspace: string,
    docs: Doc[],
    stallSeconds = 120,
    options: { capSeconds?: number; onProgress?: (done: number, seconds: number) => void } = {},
  ): Promise<{ seconds: number; failed: number; processed: number; posted: number; capped: boolean }> {
    const started = performance.now();
    const capMs = (options.capSeconds ?? Number.POSITIVE_INFINITY) * 1000;
    let posted = 0;
    for (let i = 0; i < docs.length && performance.now() - started < capMs; i += 200) {
      const slice = docs.slice(i, i + 200);
      await this.post(workspace, "/documents/texts", {
        texts: slice.map((d) => d.text),
        file_sources: slice.map((d) => d.source),
      });
      posted += slice.length;
    }
    let last = -1;
    let lastMove = performance.now();
    while (true) {
      let counts: Record<string, number>;
      try {
        const res = await devFetch(
          `${this.base}/documents/status_counts`,
          { headers: { "LIGHTRAG-WORKSPACE": workspace } },
          STATUS_POLL,
        );
        if (!res.ok) throw new Error(`status_counts answered ${res.status}`);
        counts = ((await res.json()) as { status_counts: Record<string, number> }).status_counts;
      } catch (error) {
        // wrangler dev resets some connections while a queue batch runs; the stall limit bounds this.
        if (performance.now() - lastMove > stallSeconds * 1000 || performance.now() - started > capMs)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      const done = (counts.processed ?? 0) + (counts.failed ?? 0);
      if (done !== last) {
        last = done;
        lastMove = performance.now();
      }
      options.onProgress?.(done, (performance.now() - started) / 1000);
      const capped = performance.now() - started > capMs;
      if (done >= docs.length || capped || performance.now() - lastMove > stallSeconds * 1000) {
        const seconds = (performance.now() - started) / 1000;
        return { seconds, failed: counts.failed ?? 0, processed: counts.processed ?? 0, posted, capped };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** `a;dur=1.5, b;dur=2` → {a: 1.5, b: 2}; a phase named twice adds up. */
export function parseServerTiming(header: string | null): Map<string, number> {
  const phases = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().split(";");
    const dur = params.find((p) => p.trim().startsWith("dur="));
    if (!name || !dur) continue;
    phases.set(name, (phases.get(name) ?? 0) + Number(dur.trim().slice(4)));
  }
  return phases;
}

/**
 * Worker vars for STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector on the local Postgres of
 * .ci/services (PG_LOCAL_PORT / PG_LOCAL_WS_PORT, default 5433 / 5434), after migrating it;
 * `exact` drops the HNSW indexes (a private server only), so vector search is exact.
 * Throws, naming `bash .ci/services`, when it does not answer.
 *
 * @example
 * await server.start({ ...(await postgresVars()) });
 */
export async function postgresVars(options: { exact?: boolean } = {}): Promise<Record<string, string>> {
  const DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${process.env.PG_LOCAL_PORT ?? "5433"}/postgres`;
  const PG_WS_PROXY = `127.0.0.1:${process.env.PG_LOCAL_WS_PORT ?? "5434"}/v2`;
  // Node 20 has no global WebSocket; the driver takes the `ws` package's.
  neonConfig.webSocketConstructor = WebSocket;
  const pool = createPgPool({ connectionString: DATABASE_URL, wsProxy: PG_WS_PROXY });
  try {
    await migratePg(pool, readPgMigrations(path.join(import.meta.dirname, "..", "migrations-pg")), {
      embeddingDim: 384,
    });
    if (options.exact) {
      // Without their HNSW indexes pgvector ranks by exact distance, as the local index does.
      // Destructive for everyone on that server: only on a private one (PG_LOCAL_PORT set).
      if (!process.env.PG_LOCAL_PORT)
        throw new Error("exact vector search needs a private server (PG_LOCAL_PORT)");
      for (const table of Object.values(VECTOR_TABLES))
        await pool.query(`DROP INDEX IF EXISTS ${hnswIndexName(table, DEFAULT_INDEXED_DIM)}`);
    }
  } catch (error) {
    throw new Error(
      `local Postgres unavailable on ${DATABASE_URL} (run bash .ci/services): ${String(error)}`,
    );
  } finally {
    await pool.end();
  }
  return { STORAGE_BACKEND: "neon", VECTOR_BACKEND: "pgvector", DATABASE_URL, PG_WS_PROXY };
}

/**
 * Seconds until a graph query is served by the graph index (not D1), or null after 60 s: the
 * copy is rebuilt a second or more after the first query finds it stale, and until then
 * queries read D1 (`graph_from_d1` in Server-Timing) and the rebuild runs beside them.
 *
 * @example
 * const ready = await waitForGraphIndex(server, "bench_q1");
 */
export async function waitForGraphIndex(server: BenchServer, workspace: string): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    const { phases } = await server.postWithTiming<{ response: string }>(workspace, "/query", {
      query: "How does the graph index warm up?",
      mode: "local",
      only_need_context: true,
    });
    if (!phases.has("graph_from_d1")) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}
