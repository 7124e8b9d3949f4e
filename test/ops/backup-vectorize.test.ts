import { describe, expect, it } from "vitest";
import { createBackup } from "../../src/pipeline/backup/export";
import { newRestoreState, runRestore } from "../../src/pipeline/backup/restore";
import { VectorizeVectorStore } from "../../src/storage/vectorize/store";
import { fakeVectorizeIndexes } from "../fakes/vectorize";
import { seedWorkspace, workerEnv } from "./backup-fixtures";

describe("backups with VECTOR_BACKEND=vectorize", () => {
  // A backup and a restore touch every table: seconds on a loaded machine, as in restore.test.ts.
  it("lists the vectors into the backup, says so in the manifest, and restores them into another workspace", {
    timeout: 30_000,
  }, async () => {
    const { indexes } = fakeVectorizeIndexes({ dimensions: 16, delayMs: 5 });
    const vectors = new VectorizeVectorStore(indexes, { pollMs: 1, settleTimeoutMs: 5_000 });
    await seedWorkspace("vz_src", 2);
    const long = `doc-${"x".repeat(80)}-chunk-0001`;
    await vectors.upsert("vz_src", "chunks", [
      { id: "c1", vector: Float32Array.from([1, 0, 0]), payload: "one" },
      { id: long, vector: Float32Array.from([0, 1, 0]) },
    ]);
    await vectors.upsert("vz_src", "entities", [{ id: "ent-a", vector: Float32Array.from([0, 0, 1]) }]);
    await vectors.settle();
    const deps = {
      db: workerEnv.DB,
      bucket: workerEnv.BACKUPS,
      vectors,
      vectorBackend: "vectorize",
      onGraphChange: async () => {},
    };
    const manifest = await createBackup(deps, "manual", new Date(), "20261205T230000Z-manual-vz");
    expect(manifest.vectors).toEqual({ backend: "vectorize", restore: "from_backup" });
    expect(manifest.counts.vz_src).toMatchObject({
      "vectors:chunks": 2,
      "vectors:entities": 1,
      "vectors:relations": 0,
    });

    // A fresh store, as the restore's queue step would build: it has sent no mutation yet.
    const restorer = new VectorizeVectorStore(indexes, { pollMs: 1, settleTimeoutMs: 5_000 });
    const state = await runRestore(
      { ...deps, vectors: restorer },
      { ...newRestoreState(manifest.id, "vz_src", "vz_dst", "tester"), status: "running" },
      Date.now() + 60_000,
    );
    expect(state).toMatchObject({ status: "completed", error: null });
    expect((await restorer.ids("vz_dst", "chunks")).sort()).toEqual(["c1", long].sort());
    expect(await restorer.payloads("vz_dst", "chunks", ["c1"])).toEqual([{ id: "c1", payload: "one" }]);
    const [match] = await restorer.query("vz_dst", "entities", Float32Array.from([0, 0, 1]), { topK: 1 });
    expect(match?.id).toBe("ent-a");
  });
});
