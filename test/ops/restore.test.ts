import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config";
import { flagsState, forgetCachedFlags } from "../../src/flags";
import worker from "../../src/index";
import { type BackupManifest, readManifest } from "../../src/pipeline/backup/manifest";
import {
  newRestoreState,
  type RestoreState,
  readRestoreState,
  runRestore,
  saveRestoreState,
} from "../../src/pipeline/backup/restore";
import { runBackup, stepRestore } from "../../src/pipeline/backup/service";
import { graphIndexOf } from "../../src/storage/graph-index/store";
import { expectIndexMatchesRows, lexicalStore } from "../fixtures/lexical-index";
import { testRuntime } from "../runtime-helpers";
import { dumpWorkspace, resetStorage, seedWorkspace, wipeWorkspace, workerEnv } from "./backup-fixtures";

const json = { "Content-Type": "application/json" };
/** Flags are not cached in these tests, so the restore's settle wait is zero. */
const fastEnv = { ...workerEnv, FLAGS_CACHE_SECONDS: "0" };

async function locks() {
  const config = loadConfig(workerEnv).config;
  if (!config) throw new Error("test config invalid");
  return (await flagsState(workerEnv, config)).workspaceLocks;
}

async function backupNow(): Promise<BackupManifest> {
  const ctx = createExecutionContext();
  const run = await runBackup(await testRuntime(ctx, fastEnv), "manual", new Date(), undefined, "tester");
  await waitOnExecutionContext(ctx);
  expect(run.verified).toBe(true);
  return run.manifest;
}

function newState(manifest: BackupManifest, source: string, target: string): RestoreState {
  return newRestoreState(manifest.id, source, target, "tester");
}

async function pollRestore(id: string, target: string): Promise<RestoreState> {
  for (let i = 0; i < 150; i++) {
    const res = await SELF.fetch(`http://localhost/admin/backups/${id}/restore?target_workspace=${target}`);
    const state = (await res.json()) as RestoreState;
    if (state.status !== "running") return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("restore did not finish");
}

afterEach(async () => {
  vi.restoreAllMocks();
  forgetCachedFlags();
  await resetStorage(["acme", "acme_copy", "other"]);
});

describe("restore", () => {
  it("round trip: back up, wipe, restore through the API; identical rows, graph and vectors; read-only meanwhile", async () => {
    await seedWorkspace("acme", 4);
    await seedWorkspace("other", 1);
    const before = await dumpWorkspace("acme");
    const otherBefore = await dumpWorkspace("other");
    const manifest = await backupNow();
    await wipeWorkspace("acme");
    expect((await dumpWorkspace("acme")).documents).toEqual([]);
    // The graph index holds the wiped (empty) graph; the restore must make it rebuild.
    const index = graphIndexOf(workerEnv.GRAPH_INDEX, "acme");
    await index.rebuild("acme");
    expect(await index.status()).toMatchObject({ fresh: true, entities: 0 });

    const res = await SELF.fetch(`http://localhost/admin/backups/${manifest.id}/restore`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ workspace: "acme" }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "running", target_workspace: "acme", phase: "clear" });
    // The target refuses writes while the restore runs.
    forgetCachedFlags();
    expect(Object.keys(await locks())).toEqual(["acme"]);

    const done = await pollRestore(manifest.id, "acme");
    expect(done).toMatchObject({ status: "completed", error: null });
    expect(done.rows_restored).toBeGreaterThan(0);
    expect(await dumpWorkspace("acme")).toEqual(before);
    expect(await dumpWorkspace("other")).toEqual(otherBefore);
    forgetCachedFlags();
    expect(await locks()).toEqual({});
    expect((await index.status()).fresh).toBe(false);
    await index.rebuild("acme");
    expect(await index.status()).toMatchObject({ fresh: true, entities: before.entities?.length });
  }, 30_000);

  it("restores into a new workspace without touching the source", async () => {
    await seedWorkspace("acme", 2);
    const before = await dumpWorkspace("acme");
    const manifest = await backupNow();
    const ctx = createExecutionContext();
    let state = await saveRestoreState(workerEnv.BACKUPS, newState(manifest, "acme", "acme_copy"));
    state = await stepRestore(await testRuntime(ctx, fastEnv), state);
    await waitOnExecutionContext(ctx);
    expect(state.status).toBe("completed");
    expect(await dumpWorkspace("acme_copy")).toEqual(before);
    expect(await dumpWorkspace("acme")).toEqual(before);
    const row = await workerEnv.DB.prepare(
      "SELECT display_name FROM workspaces WHERE id = 'acme_copy'",
    ).first();
    expect(row).toEqual({ display_name: "Workspace acme" });
  });

  it("the lexical index follows a wipe and a restore, in place and into a new workspace", async () => {
    await seedWorkspace("acme", 2);
    const manifest = await backupNow();
    const search = (ws: string) =>
      // "about" of the descriptions is a stop word (Snowball list), so the entities are found by name.
      lexicalStore().search(ws, { chunks: "c1", entities: "entity", relations: "links", limit: 10 });
    const seeded = await search("acme");
    expect(seeded.chunks.sort()).toEqual(["doc-0-c1", "doc-1-c1"]);
    expect(seeded.entities.sort()).toEqual(["Entity 0", "Entity 1"]);
    expect(seeded.relations).toEqual([{ src: "Entity 0", tgt: "Entity 1" }]);
    await wipeWorkspace("acme");
    expect(await search("acme")).toEqual({ chunks: [], entities: [], relations: [] });
    const ctx = createExecutionContext();
    const runtime = await testRuntime(ctx, fastEnv);
    for (const target of ["acme", "acme_copy"]) {
      const state = await stepRestore(
        runtime,
        await saveRestoreState(workerEnv.BACKUPS, newState(manifest, "acme", target)),
      );
      expect(state.status).toBe("completed");
      await expectIndexMatchesRows(target);
      const found = await search(target);
      expect({ ...found, chunks: found.chunks.sort(), entities: found.entities.sort() }).toEqual(seeded);
    }
    await waitOnExecutionContext(ctx);
  }, 30_000);

  it("is resumable: a step cut short continues from the saved progress, and running it twice changes nothing", async () => {
    await seedWorkspace("acme", 3);
    const before = await dumpWorkspace("acme");
    const manifest = await backupNow();
    await wipeWorkspace("acme");
    const deps = (await testRuntime(undefined, fastEnv)).services.backup;
    // Deadline already passed: the step clears the target, then stops before the first file.
    let state = await runRestore(
      deps,
      await saveRestoreState(workerEnv.BACKUPS, newState(manifest, "acme", "acme")),
      0,
    );
    expect(state).toMatchObject({ status: "running", phase: "load", done_files: [] });
    // D1 fails on the third file: the step throws (the queue would retry it) with two files saved as done.
    const realBatch = workerEnv.DB.batch.bind(workerEnv.DB);
    let calls = 0;
    vi.spyOn(workerEnv.DB, "batch").mockImplementation(async (statements) => {
      calls += 1;
      if (calls === 3) throw new Error("D1 overloaded");
      return realBatch(statements);
    });
    await expect(runRestore(deps, state, Date.now() + 60_000)).rejects.toThrow("D1 overloaded");
    const saved = (await readRestoreState(workerEnv.BACKUPS, "acme")) as RestoreState;
    expect(saved).toMatchObject({ status: "running", phase: "load" });
    expect(saved.done_files).toHaveLength(2);
    vi.restoreAllMocks();
    state = await runRestore(deps, saved, Date.now() + 60_000);
    expect(state.status).toBe("completed");
    expect(await dumpWorkspace("acme")).toEqual(before);
    // Same files again (idempotent INSERT OR REPLACE): still identical.
    const again = await runRestore(
      deps,
      { ...state, status: "running", phase: "load", done_files: [] },
      Date.now() + 60_000,
    );
    expect(again.status).toBe("completed");
    expect(await dumpWorkspace("acme")).toEqual(before);
  });

  it("refuses a corrupted backup before touching the target, and unlocks it", async () => {
    await seedWorkspace("acme", 2);
    const manifest = await backupNow();
    const file = manifest.files.find((f) => f.name === "chunks" && f.workspace === "acme");
    await workerEnv.BACKUPS.put(file?.key ?? "", "garbage");
    await wipeWorkspace("acme");
    await seedWorkspace("acme", 1);
    const current = await dumpWorkspace("acme");
    const res = await SELF.fetch(`http://localhost/admin/backups/${manifest.id}/restore`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ workspace: "acme" }),
    });
    expect(res.status).toBe(202);
    const state = await pollRestore(manifest.id, "acme");
    expect(state.status).toBe("failed");
    expect(state.error).toMatch(/failed verification/);
    expect(await dumpWorkspace("acme")).toEqual(current);
    forgetCachedFlags();
    expect(await locks()).toEqual({});
  }, 30_000);

  it("answers clear errors for bad requests", async () => {
    await seedWorkspace("acme", 1);
    const manifest = await backupNow();
    const post = (id: string, body: unknown) =>
      SELF.fetch(`http://localhost/admin/backups/${id}/restore`, {
        method: "POST",
        headers: json,
        body: JSON.stringify(body),
      });
    expect((await post("20201010T000000Z-manual-zz", {})).status).toBe(404);
    const missing = await post(manifest.id, { workspace: "nope" });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { details: unknown } }).error.details).toEqual({
      workspaces: ["acme", "_global"],
    });
    expect((await post(manifest.id, { workspace: "bad name!" })).status).toBe(422);
    expect((await post(manifest.id, { workspace: "acme", extra: 1 })).status).toBe(422);
    expect((await readManifest(workerEnv.BACKUPS, manifest.id))?.id).toBe(manifest.id);
  });

  it("marks a restore failed when its step lands in the dead-letter queue, keeping the half-restored target locked", async () => {
    await seedWorkspace("acme", 1);
    const manifest = await backupNow();
    await saveRestoreState(workerEnv.BACKUPS, { ...newState(manifest, "acme", "acme"), phase: "load" });
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(JSON.parse(line)));
    const message = (id: string, body: unknown) => ({ id, timestamp: new Date(), attempts: 6, body });
    const batch = createMessageBatch("lightrag-edge-ingest-dlq-dev", [
      message("d1", { type: "backup.restore", target: "acme" }),
      message("d2", { type: "backup.restore" }),
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, workerEnv, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["d1", "d2"]);
    expect(await readRestoreState(workerEnv.BACKUPS, "acme")).toMatchObject({
      status: "failed",
      error: "a restore step kept failing; see the logs",
    });
    expect(lines.find((l) => l.message === "audit" && l.event_action === "restore_failed")).toBeTruthy();
  });

  it("drops malformed backup messages instead of retrying them", async () => {
    const message = (id: string, body: unknown) => ({ id, timestamp: new Date(), attempts: 1, body });
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const batch = createMessageBatch("lightrag-edge-ingest-dev", [
      message("m1", { type: "backup.create", id: "not-an-id" }),
      message("m2", { type: "backup.restore", target: 42 }),
      message("m3", { type: "backup.restore", target: "nobody_restores_this" }),
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, workerEnv, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2", "m3"]);
    expect(result.retryMessages).toEqual([]);
  });
});
