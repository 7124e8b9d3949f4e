/**
 * Backups on the other backends: Vectorize (vectors listed into the backup) and Postgres
 * (STORAGE_BACKEND=neon, VECTOR_BACKEND=pgvector, on the local Postgres of .ci/services), and
 * moving a workspace between D1 and Postgres through a backup, checked by counts and digests.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { gunzipLines } from "../../src/pipeline/backup/codec";
import { type BackupDeps, createBackup } from "../../src/pipeline/backup/export";
import { backupKeys } from "../../src/pipeline/backup/manifest";
import { PgBackupRows } from "../../src/pipeline/backup/pg-rows";
import { newRestoreState, type RestoreState, runRestore } from "../../src/pipeline/backup/restore";
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
      rows: new PgBackupRows(p),
      vectors: new PgVectorStore(p),
      vectorBackend: "pgvector",
      storageBackend: "neon",
      onGraphChange: async () => {},
    };
  };
  const clearPg = async (ws: string) => {
    const p = pool();
    await new PgBackupRows(p).clear([...WORKSPACE_TABLES].reverse(), ws);
    await pgQuery(p, "DELETE FROM audit_events WHERE workspace = $1", [ws]);
    for (const ns of VECTOR_NAMESPACES) await new PgVectorStore(p).clear(ws, ns);
  };
  /** Rows of `ws` per table on Postgres. */
  const pgCounts = async (ws: string, tables: readonly string[]) => {
    const counts: Record<string, number> = {};
    for (const name of tables) {
      const table = WORKSPACE_TABLES.find((t) => t.name === name);
      const column = table?.workspaceColumn ?? "workspace";
      const [row] = await pgQuery<{ n: number }>(
        pool(),
        `SELECT count(*) AS n FROM ${name} WHERE ${column} = $1`,
        [ws],
      );
      counts[name] = row?.n ?? 0;
    }
    return counts;
  };
  /** The user the fixtures' membership names, on Postgres (the runbook copies users before a move). */
  const pgUser = () =>
    pgQuery(
      pool(),
      "INSERT INTO users (id, username, password_hash, role) VALUES ('u-ops', 'ops', 'x', 'user') ON CONFLICT DO NOTHING",
    );
  const backupId = (tag: string) =>
    `20261206T0${String(Date.now() % 100000).padStart(5, "0")}Z-manual-${tag}`;

  it("D1 → Postgres → D1: every backed-up table (LLM cache, usage, workspace, memberships too) moves, verified by counts and digests; audit rows stay put", {
    timeout: 60_000,
  }, async () => {
    const ws = `mv_${Date.now().toString(36)}`;
    await seedWorkspace(ws, 3, { platform: true });
    const before = await dumpWorkspace(ws);
    try {
      const fromD1 = await createBackup(d1Deps(), "manual", new Date(), backupId("d1"), [ws]);
      expect(fromD1.storage_backend).toBe("d1");
      expect(Object.keys(fromD1.digests?.[ws] ?? {})).toContain("vectors:chunks");
      expect(fromD1.counts[ws]).toMatchObject({ llm_cache: 2, llm_usage: 2, workspaces: 1, memberships: 1 });
      // The audit log is not workspace content: in no backup, on either backend.
      expect(fromD1.files.some((f) => f.name === "audit_events")).toBe(false);

      // The move: a neon deployment restores the D1 backup through its own composition root
      // (the admin route's queue step), verification and all; its users were copied first.
      await pgUser();
      await pgQuery(
        pool(),
        "INSERT INTO audit_events (id, timestamp, event_type, event_action, outcome, workspace) VALUES ($1, 1, 'system', 'restore_started', 'success', $2)",
        [`pg-audit-${ws}`, ws],
      );
      const ctx = createExecutionContext();
      const rt = await testRuntime(ctx, neonEnv());
      expect(rt.services.backup.rows).toBeInstanceOf(PgBackupRows);
      let state: RestoreState = newRestoreState(fromD1.id, ws, ws, "tester");
      for (let step = 0; state.status === "running" && step < 10; step++)
        state = await stepRestore(rt, state);
      await waitOnExecutionContext(ctx);
      expect(state).toMatchObject({ status: "completed", error: null });
      expect(state.checked).toEqual(
        expect.arrayContaining([
          "documents",
          "entities",
          "llm_cache",
          "llm_usage",
          "workspaces",
          "vectors:chunks",
        ]),
      );
      // Every restorable table landed in Postgres, where a neon deployment reads it; API keys are
      // never restored (no key hash in backups) and the target's audit rows are left alone.
      expect(
        await pgCounts(ws, ["entities", "llm_cache", "llm_usage", "workspaces", "memberships", "api_keys"]),
      ).toEqual({ entities: 3, llm_cache: 2, llm_usage: 2, workspaces: 1, memberships: 1, api_keys: 0 });
      // (the restore adds its own `restore_completed` row there)
      const pgAudit = await pgQuery<{ id: string }>(
        pool(),
        "SELECT id FROM audit_events WHERE workspace = $1",
        [ws],
      );
      expect(pgAudit.map((row) => row.id)).toContain(`pg-audit-${ws}`);

      // D1 is not read any more: wipe every backed-up row of the workspace there.
      await wipeWorkspace(ws);
      const fromPg = await createBackup(rt.services.backup, "manual", new Date(), backupId("pg"), [ws]);
      expect(fromPg.storage_backend).toBe("neon");
      expect(fromPg.files.some((f) => f.name === "audit_events")).toBe(false);
      // Users come from Postgres too, as D1 holds them: no password hash, booleans as 0/1.
      const usersFile = fromPg.files.find((f) => f.name === "users");
      const usersObject = usersFile && (await workerEnv.BACKUPS.get(usersFile.key));
      const users = usersObject
        ? (await gunzipLines(new Uint8Array(await usersObject.arrayBuffer()))).map(
            (line) => JSON.parse(line) as Record<string, unknown>,
          )
        : [];
      expect(users.find((u) => u.id === "u-ops")).toMatchObject({ username: "ops", disabled: 0 });
      expect(users.every((u) => !("password_hash" in u))).toBe(true);
      expect(fromPg.counts[ws]).toEqual({ ...fromD1.counts[ws], api_keys: 0 });
      // Same rows on both backends, whatever order each pages them in: the same digests.
      const { api_keys: _d1Keys, ...d1Digests } = fromD1.digests?.[ws] ?? {};
      const { api_keys: _pgKeys, ...pgDigests } = fromPg.digests?.[ws] ?? {};
      expect(pgDigests).toEqual(d1Digests);

      // And back to D1.
      const back = await runRestore(
        d1Deps(),
        newRestoreState(fromPg.id, ws, ws, "tester"),
        Date.now() + 60_000,
      );
      expect(back).toMatchObject({ status: "completed", error: null });
      expect(await dumpWorkspace(ws)).toEqual(before);
      const audit = await workerEnv.DB.prepare("SELECT id FROM audit_events WHERE workspace = ?1")
        .bind(ws)
        .all();
      expect(audit.results).toContainEqual({ id: `audit-${ws}` });
    } finally {
      await wipeWorkspace(ws);
      await workerEnv.DB.prepare("DELETE FROM audit_events WHERE workspace = ?1").bind(ws).run();
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
      // A membership is restored only where its user exists, on Postgres as on D1.
      await pgQuery(pool(), "DELETE FROM users WHERE id = 'u-ops'");
      const done = await runRestore(
        deps,
        newRestoreState(manifest.id, src, dst, "tester"),
        Date.now() + 60_000,
      );
      expect(done).toMatchObject({ status: "completed", error: null });
      expect(await pgCounts(dst, ["workspaces", "memberships", "entities"])).toEqual({
        workspaces: 1,
        memberships: 0,
        entities: 2,
      });
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
