import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ingestDeadLetter } from "../../src/pipeline/ingest-consumer";
import { MergeQueue } from "../../src/pipeline/merge-queue";
import { endJob, IDLE_STATUS, MAX_HISTORY, startJob, withMessage } from "../../src/pipeline/pipeline-status";
import { retryDelaySeconds } from "../../src/pipeline/queue";
import { recoverStalledDocuments } from "../../src/pipeline/stalled-documents";
import { mapLimit } from "../../src/rag/pool";
import { settled } from "../documents/helpers";
import { deps } from "../rag/engine-helpers";
import { testRuntime } from "../runtime-helpers";
import { docRecord } from "../storage/contract/knowledge-stores";

describe("ingestion pipeline", { timeout: 60_000 }, () => {
  it("re-enqueues stalled documents and fails those out of attempts", async () => {
    const d = deps();
    const old = Date.now() - 2 * 3600_000;
    await d.stores.documents.insert("stall_ws", [
      {
        record: docRecord("stall_ws", "doc-stuck", {
          status: "processing",
          updatedAt: old,
          attempts: 1,
          filePath: "stuck.txt",
        }),
        content: "Stuck text about Marie Curie.",
      },
      {
        record: docRecord("stall_ws", "doc-lost", {
          status: "pending",
          updatedAt: old,
          filePath: "lost.txt",
        }),
        content: "Lost text about Pierre Curie.",
      },
      {
        record: docRecord("stall_ws", "doc-tired", {
          status: "processing",
          updatedAt: old,
          attempts: 3,
          filePath: "tired.txt",
        }),
        content: "Tired text.",
      },
      {
        record: docRecord("stall_ws", "doc-fresh", {
          status: "processing",
          updatedAt: Date.now(),
          filePath: "fresh.txt",
        }),
        content: "Fresh.",
      },
    ]);
    const outcome = await recoverStalledDocuments(await testRuntime());
    expect(outcome).toMatchObject({ failed: 1 });
    expect(outcome.retried).toBeGreaterThanOrEqual(2);
    const [tired] = await d.stores.documents.get("stall_ws", ["doc-tired"]);
    expect(tired?.status).toBe("failed");
    expect(tired?.errorMsg).toMatch(/Stalled/);
    await d.stores.documents.setStatus("stall_ws", ["doc-fresh"], { status: "processed" });
    await settled("stall_ws");
    const docs = await d.stores.documents.get("stall_ws", ["doc-stuck", "doc-lost"]);
    expect(docs.map((doc) => doc.status)).toEqual(["processed", "processed"]);
  });

  it("a dead letter leaves unfinished documents failed", async () => {
    const d = deps();
    await d.stores.documents.insert("dlq_ws", [
      { record: docRecord("dlq_ws", "doc-a", { status: "processing" }), content: "a" },
      { record: docRecord("dlq_ws", "doc-b", { status: "processed" }), content: "b" },
    ]);
    await ingestDeadLetter(
      { type: "rag.ingest", workspace: "dlq_ws", doc_ids: ["doc-a", "doc-b"] },
      await testRuntime(),
    );
    const docs = await d.stores.documents.get("dlq_ws", ["doc-a", "doc-b"]);
    expect(docs.map((doc) => [doc.id, doc.status])).toEqual([
      ["doc-a", "failed"],
      ["doc-b", "processed"],
    ]);
    expect(docs[0]?.errorMsg).toMatch(/retries/);
  });

  it("merges documents ready together in one batch and isolates a bad one", async () => {
    const calls: string[][] = [];
    const queue = new MergeQueue({
      merge: async (ids) => {
        calls.push(ids);
        if (ids.includes("bad")) throw new Error("bad document");
      },
    });
    const results = await Promise.allSettled(["a", "bad", "c"].map((id) => queue.add(id)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(calls).toEqual([["a", "bad", "c"], ["a"], ["bad"], ["c"]]);
  });

  it("lets a timer fire while a long run of in-process storage calls goes on (pacing)", async () => {
    // Locally D1 answers in-process: without pauses the event queue never empties, workerd
    // polls neither timers nor sockets until the run ends (wrangler's 503s under load).
    const started = Date.now();
    let firedAfter = -1;
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        firedAfter = Date.now() - started;
        resolve();
      }, 1),
    );
    await mapLimit(Array.from({ length: 5000 }), 4, async () => {
      if (Date.now() - started < 600) await env.DB.prepare("SELECT 1").first();
    });
    const ranFor = Date.now() - started;
    await timer;
    expect(ranFor).toBeGreaterThanOrEqual(600);
    expect(firedAfter).toBeGreaterThanOrEqual(0);
    expect(firedAfter).toBeLessThan(300);
  });

  it("keeps LightRAG's pipeline_status across overlapping jobs and caps history", () => {
    let status = startJob(IDLE_STATUS, "Processing 3 document(s)", 3);
    status = startJob(status, "Processing 2 document(s)", 2);
    expect(status).toMatchObject({
      busy: true,
      docs: 5,
      batchs: 2,
      active_jobs: 2,
      job_name: "Processing 3 document(s)",
    });
    status = endJob(status, "done one");
    expect(status.busy).toBe(true);
    status = endJob(status, "done two");
    expect(status).toMatchObject({ busy: false, active_jobs: 0, latest_message: "done two" });
    for (let i = 0; i < MAX_HISTORY + 5; i++) status = withMessage(status, `m${i}`);
    expect(status.history_messages).toHaveLength(MAX_HISTORY);
    expect(status.history_messages.at(-1)).toMatch(/m1004$/);
  });

  it("backs retries off exponentially up to ten minutes", () => {
    expect([1, 2, 3, 4, 10].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 600]);
  });
});
