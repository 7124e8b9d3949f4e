/**
 * Graph-index invalidation cannot be forgotten: every path that commits graph writes, built
 * through the composition root, moves the workspace's graph index to a new generation, and the
 * D1 stores, the writer and the purge cannot be built without the graph-change callback.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { purgeWorkspace } from "../../src/pipeline/backup/purge";
import { newRestoreState, runRestore } from "../../src/pipeline/backup/restore";
import { runBackup } from "../../src/pipeline/backup/service";
import { processDocuments } from "../../src/pipeline/ingest-consumer";
import { registerDocuments } from "../../src/rag/documents";
import { type Runtime, resolveRuntime } from "../../src/runtime";
import { D1ChunkStore } from "../../src/storage/d1/chunks";
import { D1GraphStore } from "../../src/storage/d1/graph";
import { createD1Stores } from "../../src/storage/d1/stores";
import { D1KnowledgeWriter } from "../../src/storage/d1/writer";
import { graphIndexOf } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { log, sharedCorpus } from "../rag/engine-helpers";

const testEnv = env as unknown as Env;

async function runtime(): Promise<Runtime> {
  const ctx = createExecutionContext();
  const rt = await resolveRuntime(testEnv, (p) => ctx.waitUntil(p), { test: "graph-invalidation" });
  if (!rt) throw new Error("test config invalid");
  return rt;
}

async function generation(workspace: string): Promise<number> {
  return (await graphIndexOf(testEnv.GRAPH_INDEX, workspace).status()).generation;
}

/** Runs `write` and expects the graph index of `workspace` to have moved on. */
async function expectInvalidated(workspace: string, write: () => Promise<unknown>): Promise<void> {
  const before = await generation(workspace);
  await write();
  expect(await generation(workspace)).toBeGreaterThan(before);
}

/** Registers and processes three documents through the root's engine and the real coordinator. */
async function ingested(rt: Runtime, workspace: string): Promise<string[]> {
  const { engine, coordinator } = rt.services;
  const { accepted } = await registerDocuments(engine.stores, workspace, sharedCorpus(3), "insert");
  const ids = accepted.map((doc) => doc.id);
  await expectInvalidated(workspace, () =>
    processDocuments(engine, coordinator(workspace), workspace, ids, { parallel: 4, log }),
  );
  return ids;
}

describe("graph index invalidation", { timeout: 60_000 }, () => {
  it("ingest merge, unmerge, deletion and clearing a workspace invalidate the index", async () => {
    const rt = await runtime();
    const ws = "gi_inv_engine";
    const ids = await ingested(rt, ws);
    const coordinator = rt.services.coordinator(ws);
    await expectInvalidated(ws, () => coordinator.unmerge(ws, [ids[0] as string], "test failure"));
    await expectInvalidated(ws, () => coordinator.deleteDocuments(ws, [ids[1] as string]));
    await expectInvalidated(ws, () => coordinator.clear(ws));
  });

  it("a direct graph write through the root's stores invalidates the index", async () => {
    const rt = await runtime();
    const ws = "gi_inv_write";
    await expectInvalidated(ws, () =>
      rt.services.stores.graph.write(ws, {
        upsertEntities: [],
        deleteEntities: ["Nobody"],
        upsertRelations: [],
        deleteRelations: [],
      }),
    );
  });

  it("chunk writes invalidate the index (it copies chunk texts): upsert, deletion, a commit that deletes documents", async () => {
    const rt = await runtime();
    const ws = "gi_inv_chunks";
    const chunk = {
      id: "d-chunk-000",
      docId: "d",
      order: 0,
      tokens: 2,
      content: "Marmalade jar",
      filePath: "d.txt",
    };
    await expectInvalidated(ws, () => rt.services.stores.chunks.upsert(ws, [chunk]));
    await expectInvalidated(ws, () => rt.services.stores.chunks.deleteByDocuments(ws, ["d"]));
    await rt.services.stores.chunks.upsert(ws, [chunk]);
    const noGraph = { upsertEntities: [], deleteEntities: [], upsertRelations: [], deleteRelations: [] };
    await expectInvalidated(ws, () =>
      rt.services.stores.writer.commit(ws, {
        docIds: ["d"],
        entitySources: [],
        relationSources: [],
        graph: noGraph,
        deleteDocuments: true,
      }),
    );
  });

  it("purging and restoring a workspace invalidate the index", async () => {
    const rt = await runtime();
    const ws = "gi_inv_ops";
    await ingested(rt, ws);
    const ctx = createExecutionContext();
    const run = await runBackup({ ...rt, waitUntil: (p) => ctx.waitUntil(p) }, "manual", new Date());
    await waitOnExecutionContext(ctx);
    await expectInvalidated(ws, () => rt.services.purgeWorkspace(ws));
    const state = newRestoreState(run.manifest.id, ws, ws, "tester");
    await expectInvalidated(ws, () => runRestore(rt.services.backup, state, Date.now() + 60_000));
  });

  it("the D1 stores, the writer and the purge cannot be built without the graph-change callback", async () => {
    const vectors = new LocalVectorStore(testEnv.VECTOR_INDEX);
    // @ts-expect-error the graph-change callback is a required argument
    expect(() => createD1Stores(testEnv.DB, vectors)).toThrow(/graph-change/);
    // @ts-expect-error the graph-change callback is a required argument
    expect(() => new D1KnowledgeWriter(testEnv.DB)).toThrow(/graph-change/);
    // @ts-expect-error the graph-change callback is a required argument
    expect(() => new D1GraphStore(testEnv.DB)).toThrow(/graph-change/);
    // @ts-expect-error the graph-change callback is a required argument
    expect(() => new D1ChunkStore(testEnv.DB)).toThrow(/graph-change/);
    // @ts-expect-error the graph-change callback is a required argument
    await expect(purgeWorkspace(testEnv.DB, vectors, "gi_inv_none")).rejects.toThrow(/graph-change/);
  });
});
