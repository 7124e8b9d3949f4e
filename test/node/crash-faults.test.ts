/**
 * Crash faults (issue 18, item 5): the local runtime (`wrangler dev --local`, the whole
 * process group: wrangler and workerd) is SIGKILLed while an ingestion, a document deletion, a
 * backup and a restore are all in flight, then started again on the same persisted state with
 * short stall timeouts. Afterwards every document is `processed` or `failed` with a reason,
 * nothing is duplicated, the graphs equal a clean rebuild of the same documents, the restore
 * finished, the backup finished or is marked failed, and no pipeline is left `busy`.
 *
 * One kill and two starts keep the wall time down (a start is most of it). The LLM is the
 * stub (tools/stub-llm) with latency, so the kill lands while LLM calls are in flight. Local
 * queues do not survive the runtime (Cloudflare's do), so recovery here is the housekeeping
 * cron's work, triggered through `--test-scheduled`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/dev-server";
import { startStubServer } from "../../tools/stub-llm/server.mjs";
import { Api, type DocRow, type GraphShape, sleep, until } from "./fault-helpers";

const PORT = 9871;
const SCOPE = "crash";
const HOUSEKEEPING = "/__scheduled?cron=*/15+*+*+*+*";

const SRC_TEXTS = [
  "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.",
  "Grace Hopper developed COBOL at Remington Rand. COBOL influenced business computing in America.",
  "Alan Turing worked at Bletchley Park in England. Alan Turing proposed the Turing Machine.",
];
const SRC_SOURCES = ["ada.txt", "grace.txt", "alan.txt"];
const CRASH_SOURCES = ["curie.txt", "bohr.txt", "franklin.txt", "fermi.txt"];
const CRASH_TEXTS = [
  "Marie Curie studied radioactivity in Paris. Marie Curie worked with Pierre Curie at the Sorbonne.",
  "Niels Bohr founded the Institute in Copenhagen. Niels Bohr debated Albert Einstein about quantum theory.",
  "Rosalind Franklin worked at King's College London. Rosalind Franklin photographed DNA with X-rays.",
  "Enrico Fermi built the Chicago Pile in Chicago. Enrico Fermi worked with Leo Szilard on reactors.",
];

let stub: Awaited<ReturnType<typeof startStubServer>>;
let persist: string;
let worker: LocalWorker | undefined;
let api: Api;
/** What the test saw; asserted by the `it` blocks below. */
const seen: {
  b1?: string;
  b2?: string;
  srcAtBackup?: GraphShape;
  b1Counts?: Record<string, Record<string, number>>;
  deletedDoc?: string;
  deletionLost?: boolean;
  inFlight?: Record<string, unknown>;
} = {};

function vars(extra: Record<string, string> = {}): Record<string, string> {
  return {
    LLM_BINDING: "openai",
    LLM_MODEL: "stub",
    LLM_BINDING_HOST: `${stub.url}/s/${SCOPE}/v1`,
    LLM_BINDING_API_KEY: "crash",
    MAX_GLEANING: "0",
    ENABLE_LLM_CACHE: "false",
    ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    LOG_LEVEL: "WARN",
    AUDIT_LOGGING_ENABLED: "false",
    ...extra,
  };
}

async function start(extra: Record<string, string> = {}): Promise<LocalWorker> {
  const started = await startLocalWorker({
    port: PORT,
    vars: vars(extra),
    label: "crash-faults",
    persist,
    testScheduled: true,
    logLevel: "error",
    timeoutMs: 240_000,
  });
  api = new Api(started.base);
  return started;
}

async function stubLatency(latencyMs: number): Promise<void> {
  await fetch(`${stub.url}/s/${SCOPE}/__stub/config`, {
    method: "POST",
    body: JSON.stringify({ latencyMs }),
  });
}

interface BackupRow {
  id: string;
  status: string;
  error?: string;
}
async function backups(): Promise<BackupRow[]> {
  return (await api.call<{ backups: BackupRow[] }>("default", "/admin/backups")).backups;
}
async function finishedBackup(id: string, timeoutMs: number): Promise<BackupRow> {
  return until(`backup ${id}`, timeoutMs, async () => {
    const row = (await backups()).find((b) => b.id === id);
    return row && row.status !== "incomplete" ? row : undefined;
  });
}
async function manifestCounts(id: string): Promise<Record<string, Record<string, number>>> {
  const body = await api.call<{ manifest: { counts: Record<string, Record<string, number>> } }>(
    "default",
    `/admin/backups/${id}`,
  );
  return body.manifest.counts;
}
async function restoreState(): Promise<{ status: string; error: string | null; resumes: number }> {
  return api.call("default", `/admin/backups/${seen.b1}/restore?target_workspace=restored`);
}

/** Rows that describe the knowledge (not caches, usage or audit), for count comparisons. */
function knowledgeCounts(counts: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts ?? {}).filter(([name]) =>
      /^(documents|document_contents|chunks|chunk_extractions|entit|relation|vectors:)/.test(name),
    ),
  );
}

beforeAll(async () => {
  stub = await startStubServer({ port: 0, requireKey: false });
  persist = mkdtempSync(path.join(tmpdir(), "lightrag-crash-faults-"));
  // A restore's first step waits FLAGS_CACHE_SECONDS for the lock to reach every isolate: a
  // long wait keeps the restore in flight when the kill comes.
  worker = await start({ FLAGS_CACHE_SECONDS: "20" });

  // Before the crash: a processed workspace and a complete backup of it.
  await api.insert("src", SRC_TEXTS, SRC_SOURCES);
  const srcDocs = await api.settle("src", SRC_TEXTS.length, 60_000);
  seen.b1 = (await api.call<{ id: string }>("default", "/admin/backups", { method: "POST" })).id;
  await finishedBackup(seen.b1, 60_000);
  seen.srcAtBackup = await api.graph("src");
  // Read now: retention keeps one backup per day, so a later backup prunes this one.
  seen.b1Counts = await manifestCounts(seen.b1);
  seen.deletedDoc = srcDocs.find((d) => d.file_path === "ada.txt")?.id;

  // Everything at once, with slow LLM calls, then the crash.
  await stubLatency(3000);
  const stubBefore = await stubRequests();
  await Promise.all([
    api.insert("crash", CRASH_TEXTS, CRASH_SOURCES),
    api.call("src", "/documents/delete_document", { method: "DELETE", body: { doc_ids: [seen.deletedDoc] } }),
    api.call("default", `/admin/backups/${seen.b1}/restore`, {
      method: "POST",
      body: { workspace: "src", target_workspace: "restored" },
    }),
  ]);
  await until("LLM calls of the crash workspace", 30_000, async () =>
    (await stubRequests()) > stubBefore ? true : undefined,
  );
  // The backup last, so the kill finds it queued or half-written.
  seen.b2 = (await api.call<{ id: string }>("default", "/admin/backups", { method: "POST" })).id;
  seen.inFlight = {
    crash: (await api.docs("crash")).map((d) => d.status),
    restore: (await restoreState()).status,
    backup: (await backups()).find((b) => b.id === seen.b2)?.status,
  };
  await worker.kill();
  console.info("killed with in flight:", JSON.stringify(seen.inFlight));
  await stubLatency(0);

  // After the crash: the same state, short stall timeouts, the housekeeping cron on demand.
  worker = await start({ DOCUMENT_STALL_TIMEOUT: "1", BACKUP_STALL_TIMEOUT: "1", FLAGS_CACHE_SECONDS: "0" });
  await sleep(1100);
  const housekeeping = async () => {
    await fetch(`${api.base}${HOUSEKEEPING}`);
  };
  await housekeeping();
  await api.settle("crash", CRASH_TEXTS.length, 90_000, housekeeping);
  await until("the restore to finish", 60_000, async () => {
    const state = await restoreState();
    if (state.status === "running") {
      await housekeeping();
      return undefined;
    }
    return state;
  });
  await until("the interrupted backup to finish or fail", 30_000, async () => {
    const row = (await backups()).find((b) => b.id === seen.b2);
    if (!row || row.status === "incomplete") {
      await housekeeping();
      return undefined;
    }
    return row;
  });
  // A deletion whose queue message died with the runtime is asked again (Cloudflare Queues
  // would deliver it again); either way the document must end fully present or fully gone.
  const srcNow = await api.docs("src");
  seen.deletionLost = srcNow.some((d) => d.id === seen.deletedDoc);
  if (seen.deletionLost) {
    await api.call("src", "/documents/delete_document", {
      method: "DELETE",
      body: { doc_ids: [seen.deletedDoc] },
    });
    await until("the deletion", 30_000, async () =>
      (await api.docs("src")).some((d) => d.id === seen.deletedDoc) ? undefined : true,
    );
  }
}, 600_000);

afterAll(async () => {
  worker?.stop();
  await stub?.close();
  if (persist) rmSync(persist, { recursive: true, force: true });
});

async function stubRequests(): Promise<number> {
  const res = await fetch(`${stub.url}/s/${SCOPE}/__stub/requests`);
  return ((await res.json()) as { requests: unknown[] }).requests.length;
}

function reasonless(docs: DocRow[]): DocRow[] {
  return docs.filter((d) => d.status !== "processed" && !(d.status === "failed" && d.error_msg));
}

describe("SIGKILL of the local runtime mid-ingestion, -deletion, -backup and -restore", {
  timeout: 300_000,
}, () => {
  it("ends every document processed, or failed with a reason", async () => {
    for (const workspace of ["crash", "src", "restored"]) {
      expect(reasonless(await api.docs(workspace)), workspace).toEqual([]);
    }
    expect(await api.docs("crash")).toHaveLength(CRASH_TEXTS.length);
  });

  it("leaves no pipeline busy", async () => {
    // A job that just finished its documents (or the deletion asked again) may still be closing:
    // the pipeline must go idle within seconds. A pipeline stuck busy (a dead job never
    // abandoned) fails here after the deadline.
    for (const workspace of ["crash", "src"]) {
      await until(`${workspace}'s pipeline to go idle`, 15_000, async () => {
        const status = await api.call<{ busy: boolean }>(workspace, "/documents/pipeline_status");
        return status.busy ? undefined : true;
      });
    }
  });

  it("finishes the restore, unlocks its target and restores the graph as it was backed up", async () => {
    const state = await restoreState();
    expect(state, JSON.stringify(state)).toMatchObject({ status: "completed", error: null });
    const flags = await api.call<{ read_only_workspaces: Record<string, unknown> }>(
      "default",
      "/admin/flags",
    );
    expect(Object.keys(flags.read_only_workspaces)).not.toContain("restored");
    expect(await api.graph("restored")).toEqual(seen.srcAtBackup);
  });

  it("finishes the interrupted backup or marks it failed with a reason", async () => {
    const row = (await backups()).find((b) => b.id === seen.b2);
    expect(row, JSON.stringify(row)).toBeDefined();
    if (row?.status === "failed") expect(row.error).toMatch(/no manifest/);
    else expect(row?.status).toBe("verified");
  });

  it("has graphs, chunks and vectors equal to a clean rebuild, with nothing duplicated", async () => {
    const survivors = (await api.docs("src")).map((d) => d.file_path);
    expect(survivors).not.toContain("ada.txt");
    const kept = SRC_SOURCES.map((source, i) => ({ source, text: SRC_TEXTS[i] ?? "" })).filter((d) =>
      survivors.includes(d.source),
    );
    await api.insert("clean_crash", CRASH_TEXTS, CRASH_SOURCES);
    await api.insert(
      "clean_src",
      kept.map((d) => d.text),
      kept.map((d) => d.source),
    );
    const cleanCrash = await api.settle("clean_crash", CRASH_TEXTS.length, 60_000);
    await api.settle("clean_src", kept.length, 60_000);
    const chunks = (docs: DocRow[]) => docs.map((d) => [d.id, d.status, d.chunks_count]).sort();
    expect(chunks(await api.docs("crash"))).toEqual(chunks(cleanCrash));
    expect(await api.graph("crash")).toEqual(await api.graph("clean_crash"));
    expect(await api.graph("src")).toEqual(await api.graph("clean_src"));

    const b3 = (await api.call<{ id: string }>("default", "/admin/backups", { method: "POST" })).id;
    expect((await finishedBackup(b3, 60_000)).status).toBe("verified");
    const counts = await manifestCounts(b3);
    const before = seen.b1Counts ?? {};
    expect(knowledgeCounts(counts.crash)).toEqual(knowledgeCounts(counts.clean_crash));
    expect(knowledgeCounts(counts.src)).toEqual(knowledgeCounts(counts.clean_src));
    expect(knowledgeCounts(counts.restored)).toEqual(knowledgeCounts(before.src));
    expect(Object.keys(knowledgeCounts(counts.crash))).toEqual(
      expect.arrayContaining(["chunks", "vectors:chunks", "vectors:entities"]),
    );
  });
});
