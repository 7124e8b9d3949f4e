/**
 * Queues deliver at least once and in no promised order (issue 18, item 5): a `rag.ingest` or
 * `rag.delete` message delivered twice, at once or one after the other, and an ingestion
 * delivered after the deletion of its document, leave the same documents, chunks, graph and
 * vectors as one delivery in order. Calls the queue handlers directly, as the queue entry does.
 */
import { describe, expect, it } from "vitest";
import { deleteBatch, ingestBatch } from "../../src/pipeline/ingest-consumer";
import { registerDocuments } from "../../src/rag/documents";
import { deps, dumpGraph, orphans } from "../rag/engine-helpers";
import { testRuntime } from "../runtime-helpers";

const DOCS = [
  { text: "Ada Lovelace worked with Charles Babbage in London on the Analytical Engine.", source: "ada.txt" },
  {
    text: "Charles Babbage designed the Difference Engine in London with Ada Lovelace.",
    source: "babbage.txt",
  },
  { text: "Grace Hopper developed COBOL and worked on the Harvard Mark I.", source: "grace.txt" },
];

async function register(workspace: string): Promise<string[]> {
  const { accepted } = await registerDocuments(deps().stores, workspace, DOCS, "insert");
  return accepted.map((doc) => doc.id);
}

const ingest = (workspace: string, ids: string[]) => ({ type: "rag.ingest", workspace, doc_ids: ids });
const removal = (workspace: string, ids: string[]) => ({ type: "rag.delete", workspace, doc_ids: ids });

/** Documents (id, status, chunks) and the whole graph with its vectors, workspace-free. */
async function state(workspace: string) {
  const docs = await deps().stores.documents.get(workspace, await allIds(workspace));
  return {
    docs: docs.map((d) => [d.id, d.status, d.chunksCount]).sort(),
    graph: await dumpGraph(workspace),
    chunkVectors: (await deps().stores.vectors.ids(workspace, "chunks")).sort(),
  };
}

async function allIds(workspace: string): Promise<string[]> {
  const ids: string[] = [];
  for (const status of ["pending", "processing", "processed", "failed"] as const) {
    const refs = await deps().stores.documents.idsByStatus(workspace, status, Date.now() + 60_000, 1000);
    ids.push(...refs.map((ref) => ref.id));
  }
  return ids;
}

describe("duplicate and out-of-order queue deliveries", { timeout: 60_000 }, () => {
  it("an ingestion delivered twice, in turn or at once, equals one delivery", async () => {
    const once = await register("redeliver_once");
    await ingestBatch(ingest("redeliver_once", once), await testRuntime());

    const twice = await register("redeliver_twice");
    await ingestBatch(ingest("redeliver_twice", twice), await testRuntime());
    await ingestBatch(ingest("redeliver_twice", twice), await testRuntime());

    const atOnce = await register("redeliver_atonce");
    await Promise.all([
      ingestBatch(ingest("redeliver_atonce", atOnce), await testRuntime()),
      ingestBatch(ingest("redeliver_atonce", atOnce), await testRuntime()),
    ]);

    const expected = await state("redeliver_once");
    expect(expected.docs.every(([, status]) => status === "processed")).toBe(true);
    expect(expected.graph.entities.length).toBeGreaterThan(0);
    expect(await state("redeliver_twice")).toEqual(expected);
    expect(await state("redeliver_atonce")).toEqual(expected);
    for (const ws of ["redeliver_once", "redeliver_twice", "redeliver_atonce"])
      expect(await orphans(ws)).toEqual([]);
  });

  it("a deletion delivered twice, or before a late duplicate of its ingestion, stays one deletion", async () => {
    const kept = DOCS.slice(1);
    const { accepted } = await registerDocuments(deps().stores, "redeliver_kept", kept, "insert");
    await ingestBatch(
      ingest(
        "redeliver_kept",
        accepted.map((d) => d.id),
      ),
      await testRuntime(),
    );

    const ids = await register("redeliver_late");
    await ingestBatch(ingest("redeliver_late", ids), await testRuntime());
    const doomed = ids[0] as string;
    await Promise.all([
      deleteBatch(removal("redeliver_late", [doomed]), await testRuntime()),
      deleteBatch(removal("redeliver_late", [doomed]), await testRuntime()),
    ]);
    // The ingestion message again, after the deletion (a redelivery out of order).
    await ingestBatch(ingest("redeliver_late", ids), await testRuntime());
    await deleteBatch(removal("redeliver_late", [doomed]), await testRuntime());

    expect(await state("redeliver_late")).toEqual(await state("redeliver_kept"));
    expect(await orphans("redeliver_late")).toEqual([]);
  });

  it("an ingestion delivered before its documents are registered does nothing, and the real one works", async () => {
    const ids = await register("redeliver_early_ref");
    await ingestBatch(ingest("redeliver_early", ids), await testRuntime());
    expect(await allIds("redeliver_early")).toEqual([]);
    await register("redeliver_early");
    await ingestBatch(ingest("redeliver_early", ids), await testRuntime());
    await ingestBatch(ingest("redeliver_early_ref", ids), await testRuntime());
    expect(await state("redeliver_early")).toEqual(await state("redeliver_early_ref"));
  });
});
