import {
  createExecutionContext,
  createScheduledController,
  env,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { gunzipLines, sha256Hex } from "../../src/pipeline/backup/codec";
import { BACKUP_CRON } from "../../src/pipeline/backup/jobs";
import { type BackupManifest, backupKeys, readManifest } from "../../src/pipeline/backup/manifest";
import { verifyBackup } from "../../src/pipeline/backup/verify";
import { resetStorage, seedWorkspace, workerEnv } from "./backup-fixtures";

const AT = Date.UTC(2026, 10, 25, 1, 0, 0);

async function runCron(scheduledTime = AT) {
  const controller = createScheduledController({ cron: BACKUP_CRON, scheduledTime });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
}

function captureLines() {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(JSON.parse(line)));
  return lines;
}

async function objectLines(key: string): Promise<Record<string, unknown>[]> {
  const object = await workerEnv.BACKUPS.get(key);
  if (!object) throw new Error(`${key} missing`);
  return (await gunzipLines(new Uint8Array(await object.arrayBuffer()))).map((line) => JSON.parse(line));
}

afterEach(async () => {
  vi.restoreAllMocks();
  await resetStorage(["acme", "globex"]);
});

describe("daily backup cron", () => {
  it("exports every workspace to R2 as gzip NDJSON with a manifest, and verifies it", async () => {
    await seedWorkspace("acme", 3);
    await seedWorkspace("globex", 2);
    const lines = captureLines();
    await runCron();

    const id = "20261125T010000Z-scheduled";
    const manifest = (await readManifest(workerEnv.BACKUPS, id)) as BackupManifest;
    expect(manifest).toMatchObject({
      format: "lightrag-edge-backup",
      schema_version: 1,
      trigger: "scheduled",
    });
    expect(manifest.d1_migrations.length).toBeGreaterThan(0);
    expect(Object.keys(manifest.counts).sort()).toEqual(["_global", "acme", "globex"]);
    expect(manifest.counts.acme).toMatchObject({
      workspaces: 1,
      documents: 3,
      document_contents: 3,
      chunks: 6,
      entities: 3,
      relations: 2,
      memberships: 1,
      api_keys: 1,
      "vectors:chunks": 6,
      "vectors:entities": 3,
      "vectors:relations": 1,
    });
    expect(manifest.counts.globex?.documents).toBe(2);

    for (const file of manifest.files) {
      const object = await workerEnv.BACKUPS.get(file.key);
      expect(object, file.key).not.toBeNull();
      const bytes = new Uint8Array(await (object as R2ObjectBody).arrayBuffer());
      expect(await sha256Hex(bytes)).toBe(file.sha256);
      expect(bytes.byteLength).toBe(file.bytes);
      expect(bytes[0]).toBe(0x1f); // gzip magic
      expect((await gunzipLines(bytes)).length).toBe(file.rows);
    }

    const docs = await objectLines(backupKeys.file(id, "acme", "documents", 0));
    expect(docs.map((d) => d.id).sort()).toEqual(["doc-0", "doc-1", "doc-2"]);
    expect(docs[0]).not.toHaveProperty("workspace", "globex");
    const users = await objectLines(backupKeys.file(id, "_global", "users", 0));
    expect(users[0]).toMatchObject({ id: "u-ops", username: "ops" });
    expect(users[0]).not.toHaveProperty("password_hash");
    const keys = await objectLines(backupKeys.file(id, "acme", "api_keys", 0));
    expect(keys[0]).toMatchObject({ prefix: "lr_abc" });
    expect(keys[0]).not.toHaveProperty("key_hash");
    const raw = JSON.stringify(await Promise.all(manifest.files.map((f) => objectLines(f.key))));
    expect(raw).not.toContain("secret-hash");
    expect(raw).not.toContain("sha256-of-key");

    const verification = await (await workerEnv.BACKUPS.get(backupKeys.verification(id)))?.json();
    expect(verification).toMatchObject({ ok: true, problems: [], files_checked: manifest.files.length });
    const audit = lines.find((line) => line.message === "audit" && line.event_action === "backup_completed");
    expect(audit).toMatchObject({ event_type: "system", outcome: "success" });
    expect(lines.find((line) => line.message === "scheduled job done" && line.job === "backup")).toBeTruthy();
  });

  it("lists backups with their verification status in GET /admin/backups", async () => {
    await seedWorkspace("acme", 1);
    await runCron();
    const res = await SELF.fetch("http://localhost/admin/backups");
    expect(res.status).toBe(200);
    const { backups } = (await res.json()) as { backups: Record<string, unknown>[] };
    expect(backups[0]).toMatchObject({
      id: "20261125T010000Z-scheduled",
      status: "verified",
      trigger: "scheduled",
      workspaces: ["acme", "_global"],
    });
    const one = await SELF.fetch("http://localhost/admin/backups/20261125T010000Z-scheduled");
    expect(((await one.json()) as { manifest: BackupManifest }).manifest.counts.acme?.documents).toBe(1);
    expect((await SELF.fetch("http://localhost/admin/backups/20261125T010000Z-nope")).status).toBe(404);
    expect((await SELF.fetch("http://localhost/admin/backups/..%2Fetc")).status).toBe(404);
  });

  it("detects a corrupted, truncated or missing file and a backup without a manifest", async () => {
    await seedWorkspace("acme", 2);
    await runCron();
    const id = "20261125T010000Z-scheduled";
    const manifest = (await readManifest(workerEnv.BACKUPS, id)) as BackupManifest;
    const chunks = manifest.files.find((f) => f.name === "chunks" && f.workspace === "acme");
    const entities = manifest.files.find((f) => f.name === "entities" && f.workspace === "acme");
    if (!chunks || !entities) throw new Error("fixture files missing");
    const original = new Uint8Array(
      await ((await workerEnv.BACKUPS.get(chunks.key)) as R2ObjectBody).arrayBuffer(),
    );
    const flipped = original.slice();
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] ?? 0) ^ 0xff;
    await workerEnv.BACKUPS.put(chunks.key, flipped);
    await workerEnv.BACKUPS.delete(entities.key);

    const verdict = await verifyBackup(workerEnv.BACKUPS, id);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual(
      expect.arrayContaining([`${chunks.key}: SHA-256 mismatch`, `${entities.key}: missing`]),
    );
    const res = await SELF.fetch(`http://localhost/admin/backups/${id}/verify`, { method: "POST" });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(false);
    const { backups } = (await (await SELF.fetch("http://localhost/admin/backups")).json()) as {
      backups: { id: string; status: string }[];
    };
    expect(backups.find((b) => b.id === id)?.status).toBe("corrupt");

    await workerEnv.BACKUPS.put(chunks.key, original.slice(0, original.length - 10));
    expect((await verifyBackup(workerEnv.BACKUPS, id)).problems.join()).toMatch(/bytes, manifest says/);

    await workerEnv.BACKUPS.delete(backupKeys.manifest(id));
    expect((await verifyBackup(workerEnv.BACKUPS, id)).problems).toEqual([
      "manifest.json missing: the backup is incomplete",
    ]);
  });

  it("audits and counts a failed run so the failure alert fires", async () => {
    await seedWorkspace("acme", 1);
    const lines = captureLines();
    vi.spyOn(workerEnv.BACKUPS, "put").mockRejectedValue(new Error("R2 unavailable"));
    await runCron();
    expect(lines.find((l) => l.message === "scheduled job failed" && l.job === "backup")).toMatchObject({
      error: "R2 unavailable",
    });
    expect(lines.find((l) => l.message === "audit" && l.event_action === "backup_failed")).toMatchObject({
      outcome: "failure",
      event_type: "system",
    });
    vi.restoreAllMocks();
    const text = await (await SELF.fetch("http://localhost/metrics")).text();
    expect(text).toContain('lightrag_backup_runs_total{job="backup",status="failure"} 1');
  });

  it("does nothing when BACKUP_ENABLED=false", async () => {
    const controller = createScheduledController({ cron: BACKUP_CRON, scheduledTime: AT });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, { ...workerEnv, BACKUP_ENABLED: "false" }, ctx);
    await waitOnExecutionContext(ctx);
    expect((await workerEnv.BACKUPS.list({ prefix: "backups/" })).objects).toHaveLength(0);
  });
});

describe("POST /admin/backups", () => {
  it("starts a backup now through the queue and it shows up verified", async () => {
    await seedWorkspace("acme", 1);
    const res = await SELF.fetch("http://localhost/admin/backups", { method: "POST" });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^\d{8}T\d{6}Z-manual-[0-9a-f]{4}$/);
    let status = "";
    for (let i = 0; i < 100 && status !== "verified"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { backups } = (await (await SELF.fetch("http://localhost/admin/backups")).json()) as {
        backups: { id: string; status: string }[];
      };
      status = backups.find((b) => b.id === id)?.status ?? "";
    }
    expect(status).toBe("verified");
    expect((await readManifest(env.BACKUPS as R2Bucket, id))?.trigger).toBe("manual");
  }, 20_000);
});

describe("re-verification", () => {
  it("each daily run re-reads the oldest kept backup and flags it when it rotted", async () => {
    await seedWorkspace("acme", 1);
    await runCron(AT - 24 * 60 * 60 * 1000);
    const old = "20261124T010000Z-scheduled";
    const manifest = (await readManifest(workerEnv.BACKUPS, old)) as BackupManifest;
    const file = manifest.files.find((f) => f.name === "documents");
    await workerEnv.BACKUPS.put(file?.key ?? "", "rotten");
    const lines = captureLines();
    await runCron();
    const verification = (await (await workerEnv.BACKUPS.get(backupKeys.verification(old)))?.json()) as {
      ok: boolean;
    };
    expect(verification.ok).toBe(false);
    expect(
      lines.find((l) => l.message === "audit" && l.event_action === "backup_verification_failed"),
    ).toBeTruthy();
    const fresh = (await (
      await workerEnv.BACKUPS.get(backupKeys.verification("20261125T010000Z-scheduled"))
    )?.json()) as {
      ok: boolean;
    };
    expect(fresh.ok).toBe(true);
  });
});
