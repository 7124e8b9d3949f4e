/**
 * Backup and restore benchmark: starts `wrangler dev --local`, ingests a corpus (local LLM)
 * into one workspace, then per round: `POST /admin/backups` until verified, delete the
 * workspace (`DELETE /admin/workspaces/{id}`), `POST /admin/backups/{id}/restore` until
 * completed, and checks that document, entity and relation counts came back identical.
 * Prints medians of backup (incl. verification), purge and restore seconds, and the backup size.
 *
 *   npx tsx bench/backup.ts --corpus docs-1mb --rounds 3
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, startLocalWorker } from "../scripts/lib/dev-server";

const { values } = parseArgs({
  options: {
    corpus: { type: "string", default: "docs-1mb" },
    rounds: { type: "string", default: "3" },
    port: { type: "string", default: "9791" },
    "flags-cache-seconds": { type: "string", default: "5" },
  },
});
const DATA = path.resolve(ROOT, "..", "shared", "bench-data", values.corpus ?? "docs-1mb");
const BASE = `http://127.0.0.1:${values.port}`;
const WS = "bench_backup";

async function api(method: string, pathName: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${BASE}${pathName}`, {
    method,
    headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": WS },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathName} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 600_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error("timed out");
}

async function snapshot(): Promise<string> {
  const counts = (await api("GET", "/documents/status_counts")).status_counts;
  const labels = (await fetch(`${BASE}/graph/label/list`, { headers: { "LIGHTRAG-WORKSPACE": WS } }).then(
    (r) => r.json(),
  )) as string[];
  return JSON.stringify({ counts, entities: labels.length });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const files = readdirSync(DATA)
    .filter((f) => f !== "SOURCE.md" && f !== "MANIFEST.tsv")
    .sort();
  const texts = files.map((f) => readFileSync(path.join(DATA, f), "utf8"));
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  const worker = await startLocalWorker({
    port: Number(values.port),
    label: "bench-backup",
    vars: {
      LOG_LEVEL: "ERROR",
      AUDIT_LOGGING_ENABLED: "false",
      FLAGS_CACHE_SECONDS: String(values["flags-cache-seconds"]),
    },
  });
  try {
    const ingestStart = performance.now();
    for (let i = 0; i < texts.length; i += 200) {
      await api("POST", "/documents/texts", {
        texts: texts.slice(i, i + 200),
        file_sources: files.slice(i, i + 200),
      });
    }
    await until(async () => {
      const c = (await api("GET", "/documents/status_counts")).status_counts as Record<string, number>;
      return (c.processed ?? 0) + (c.failed ?? 0) >= texts.length ? c : undefined;
    });
    console.log(
      `corpus ${values.corpus}: ${files.length} files, ${(bytes / 1e6).toFixed(2)} MB, ingested in ${((performance.now() - ingestStart) / 1000).toFixed(1)} s`,
    );
    const before = await snapshot();
    const backupS: number[] = [];
    const purgeS: number[] = [];
    const restoreS: number[] = [];
    let size = 0;
    for (let round = 0; round < Number(values.rounds); round++) {
      let t = performance.now();
      const { id } = (await api("POST", "/admin/backups")) as { id: string };
      const listed = await until(async () => {
        const { backups } = (await api("GET", "/admin/backups")) as { backups: Record<string, unknown>[] };
        const b = backups.find((x) => x.id === id);
        return b && b.status !== "incomplete" ? b : undefined;
      });
      backupS.push((performance.now() - t) / 1000);
      if (listed.status !== "verified") throw new Error(`backup ${id} is ${listed.status}`);
      size = Number(listed.bytes);
      t = performance.now();
      await api("DELETE", `/admin/workspaces/${WS}`, { confirm: WS });
      purgeS.push((performance.now() - t) / 1000);
      t = performance.now();
      await api("POST", `/admin/backups/${id}/restore`, {});
      const state = await until(async () => {
        const s = await api("GET", `/admin/backups/${id}/restore`);
        return s.status === "running" ? undefined : s;
      });
      restoreS.push((performance.now() - t) / 1000);
      if (state.status !== "completed") throw new Error(`restore ${state.status}: ${state.error}`);
      const after = await snapshot();
      if (after !== before) throw new Error(`restore differs: ${before} vs ${after}`);
    }
    console.log(`backup size (gzip NDJSON, incl. vectors): ${(size / 1e6).toFixed(2)} MB; state ${before}`);
    console.log(
      `backup + verify: median ${median(backupS).toFixed(2)} s  (rounds: ${backupS.map((s) => s.toFixed(2)).join(", ")})`,
    );
    console.log(`workspace delete: median ${median(purgeS).toFixed(2)} s`);
    console.log(
      `restore (incl. ${values["flags-cache-seconds"]} s lock settle, verification, count check): median ${median(restoreS).toFixed(2)} s  (rounds: ${restoreS.map((s) => s.toFixed(2)).join(", ")})`,
    );
  } catch (error) {
    console.error(worker.logTail(3000));
    throw error;
  } finally {
    worker.stop();
  }
}

await main();
