/**
 * Backups on the other backends: Vectorize (vectors listed into the backup) and Postgres
 * (STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector, on the local Postgres of .ci/services), and
 * moving a workspace between D1 and Postgres through a backup, checked by counts and digests.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { D1BackupRows } from "../../src/pipeline/backup/d1-rows";
import { type BackupDeps, createBackup } from "../../src/pipeline/backup/export";
import { backupKeys } from "../../src/pipeline/backup/manifest";
import { PgBackupRows } from "../../src/pipeline/backup/pg-rows";
import { newRestoreState, type RestoreState, runRestore } from "../../src/pipeline/backup/restore";
import { RoutedBackupRows } from "../../src/pipeline/backup/rows";
import { stepRestore } from "../../src/pipeline/backup/service";
import { WORKSPACE_TABLES } from "../../src/pipeline/backup/tables";
import { verifyBackup } from "../../src/pipeline/backup/verify";
import { pgQuery } from "../../src/storage/neon/client";
import { PgVectorStore } from "../../src/storage/neon/vectors";
import { VectorizeVectorStore } from "../../src/storage/vectorize/store";
import { VECTOR_NAMESPACES } from "../../src/storage/vectors";
import { fakeVectorizeIndexes } from "../fakes/vectorize";
import { testRuntime } from "../runtime-helpers";
import { pgEndpoint, usePgPools } from "../storage/pg-harness";
import { dumpWorkspace, seedWorkspace, vectors, wipeWorkspace, workerEnv } from "./backup-fixtures";

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

describe("backups with STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector, and moves between D1 and Postgres", () => {
  const pool = usePgPools();
  /** The worker's env on the local Postgres (what a neon deployment runs). */
  const neonEnv = (): Env => {
    const { databaseUrl, wsProxy } = pgEndpoint();
    return {
      ...workerEnv,
      FLAGS_CACHE_SECONDS: "0",
      STORAGE_BACKEND: "neon",
      VECTOR_BACKEND: "pgvector",
      DATABASE_URL: databaseUrl,
      PG_WS_PROXY: wsProxy,
    } as Env;
  };
  const d1Deps = (): BackupDeps => ({
    db: workerEnv.DB,
    bucket: workerEnv.BACKUPS,
    vectors: vectors(),
    vectorBackend: "local",
    storageBackend: "d1",
    onGraphChange: async () => {},
  });
  const pgDeps = (): BackupDeps => {
    const p = pool();
    return {
      db: workerEnv.DB,
      bucket: workerEnv.BACKUPS,
      rows: new RoutedBackupRows(new PgBackupRows(p), new D1BackupRows(workerEnv.DB)),
      vectors: new PgVectorStore(p),
      vectorBackend: "pgvector",
      storageBackend: "neon",
      onGraphChange: async () => {},
    };
  };
  const clearPg = async (ws: string) => {
    const p = pool();
    await new PgBackupRows(p).clear(
      WORKSPACE_TABLES.filter((t) => t.engine),
      ws,
    );
    for (const ns of VECTOR_NAMESPACES) await new PgVectorStore(p).clear(ws, ns);
  };
  const backupId = (tag: string) =>
    `20261206T0${String(Date.now() % 100000).padStart(5, "0")}Z-manual-${tag}`;

  it("D1 → Postgres → D1: each restore is verified by counts and digests; digests and rows come back identical", {
    timeout: 60_000,
  }, async () => {
    const ws = `mv_${Date.now().toString(36)}`;
    await seedWorkspace(ws, 3);
    const before = await dumpWorkspace(ws);
    try {
      const fromD1 = await createBackup(d1Deps(), "manual", new Date(), backupId("d1"), [ws]);
      expect(fromD1.storage_backend).toBe("d1");
      expect(Object.keys(fromD1.digests?.[ws] ?? {})).toContain("vectors:chunks");

      // The move: a neon deployment restores the D1 backup through its own composition root
      // (the admin route's queue step), verification and all.
      const ctx = createExecutionContext();
      const rt = await testRuntime(ctx, neonEnv());
      expect(rt.services.backup.rows).toBeInstanceOf(RoutedBackupRows);
      let state: RestoreState = newRestoreState(fromD1.id, ws, ws, "tester");
      for (let step = 0; state.status === "running" && step < 10; step++)
        state = await stepRestore(rt, state);
      await waitOnExecutionContext(ctx);
      expect(state).toMatchObject({ status: "completed", error: null });
      expect(state.checked).toEqual(
        expect.arrayContaining(["documents", "entities", "relations", "vectors:chunks"]),
      );
      const [rows] = await pgQuery<{ n: number }>(
        pool(),
        "SELECT count(*) AS n FROM entities WHERE workspace = $1",
        [ws],
      );
      expect(rows?.n).toBe(3);

      // The engine rows and vectors now live on Postgres only (D1 keeps accounts and the cache).
      await new D1BackupRows(workerEnv.DB).clear(
        WORKSPACE_TABLES.filter((t) => t.engine),
        ws,
      );
      for (const ns of VECTOR_NAMESPACES) await vectors().clear(ws, ns);
      const fromPg = await createBackup(rt.services.backup, "manual", new Date(), backupId("pg"), [ws]);
      expect(fromPg.storage_backend).toBe("neon");
      expect(fromPg.counts[ws]).toEqual(fromD1.counts[ws]);
      // Same rows on both backends, whatever order each pages them in: the same digests.
      expect(fromPg.digests?.[ws]).toEqual(fromD1.digests?.[ws]);

      // And back to D1.
      const back = await runRestore(
        d1Deps(),
        newRestoreState(fromPg.id, ws, ws, "tester"),
        Date.now() + 60_000,
      );
      expect(back).toMatchObject({ status: "completed", error: null });
      expect(await dumpWorkspace(ws)).toEqual(before);
    } finally {
      await wipeWorkspace(ws);
      await clearPg(ws);
    }
  });

  it("a restore into Postgres resumes after a crash mid-load; digests catch a forged manifest and a row that differs", {
    timeout: 60_000,
  }, async () => {
    const src = `mvs_${Date.now().toString(36)}`;
    const dst = `${src}_pg`;
    await seedWorkspace(src, 2);
    try {
      const manifest = await createBackup(d1Deps(), "manual", new Date(), backupId("rs"), [src]);
      // Verification recomputes each digest from the files: a manifest that lies is caught.
      const forged = { ...manifest, id: backupId("fg") };
      forged.digests = { [src]: { ...manifest.digests?.[src], entities: "0".repeat(64) } };
      await workerEnv.BACKUPS.put(backupKeys.manifest(forged.id), JSON.stringify(forged));
      expect((await verifyBackup(workerEnv.BACKUPS, forged.id)).problems).toEqual([
        `${src}/entities: content digest does not match the manifest`,
      ]);
      const deps = pgDeps();
      const done = await runRestore(
        deps,
        newRestoreState(manifest.id, src, dst, "tester"),
        Date.now() + 60_000,
      );
      expect(done).toMatchObject({ status: "completed", error: null });
      // A crash after half the files: the resumed run rewrites what it is not sure of, idempotently.
      const half = done.done_files.slice(0, Math.floor(done.done_files.length / 2));
      const resumed = await runRestore(
        deps,
        { ...done, status: "running", phase: "load", done_files: half, checked: [], finished_at: null },
        Date.now() + 60_000,
      );
      expect(resumed).toMatchObject({ status: "completed", error: null });
      expect(resumed.checked.length).toBeGreaterThan(8);

      await pgQuery(
        pool(),
        "UPDATE entities SET description = 'tampered' WHERE workspace = $1 AND name = 'Entity 1'",
        [dst],
      );
      const rechecked = await runRestore(
        deps,
        { ...done, status: "running", phase: "check", checked: [], finished_at: null },
        Date.now() + 60_000,
      );
      expect(rechecked.status).toBe("failed");
      expect(rechecked.error).toBe("entities: content digest differs from the backup's");
    } finally {
      await wipeWorkspace(src);
      await wipeWorkspace(dst);
      await clearPg(dst);
    }
  });
});
