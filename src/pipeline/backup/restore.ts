/**
 * Restores one workspace of a backup into a target workspace (the same or a new one) in
 * resumable steps: the state in R2 (`restores/<target>.json`) records which files are done,
 * every write is an idempotent `INSERT OR REPLACE`, so a step that fails or runs twice is
 * simply run again. The target is cleared once, at the start; it is read-only throughout
 * (the caller locks it) and at the end the row counts, then each table's and vector
 * namespace's content digest (digest.ts), are checked against the manifest. Rows go through
 * the backup row port (rows.ts), so the target is whatever backend the deployment runs: a
 * backup taken on D1 restores into Postgres and back (docs/operations.md, moving a workspace).
 */
import { z } from "zod";
import type { GraphChangeListener } from "../../storage/d1/graph-change";
import { createPacer } from "../../storage/pace";
import type { VectorStore } from "../../storage/vectors";
import { VECTOR_NAMESPACES, type VectorNamespace } from "../../storage/vectors";
import { base64ToVector, gunzipLines, sha256Hex } from "./codec";
import { canonicalRow, RowDigest } from "./digest";
import { backupRows, vectorLines } from "./export";
import { type BackupFile, type BackupManifest, readManifest } from "./manifest";
import type { BackupRowStore } from "./rows";
import { WORKSPACE_TABLES } from "./tables";

export const restoreStateSchema = z.object({
  restore_id: z.string(),
  backup_id: z.string(),
  source_workspace: z.string(),
  target_workspace: z.string(),
  status: z.enum(["running", "completed", "failed"]),
  phase: z.enum(["clear", "load", "check"]),
  done_files: z.array(z.string()),
  rows_restored: z.number().int(),
  started_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  requested_by: z.string(),
  error: z.string().nullable(),
  /** Times the housekeeping cron resumed it after it stalled (src/pipeline/backup/stalled.ts). */
  resumes: z.number().int().min(0).default(0),
  /** Tables and vector namespaces whose content digest the check phase has compared. */
  checked: z.array(z.string()).default([]),
  /** Digest mismatches found so far by the check phase. */
  check_problems: z.array(z.string()).default([]),
});

export type RestoreState = z.infer<typeof restoreStateSchema>;

export interface RestoreDeps {
  db: D1Database;
  /** Where the rows are written; D1's (`db`) when absent (rows.ts). */
  rows?: BackupRowStore;
  bucket: R2Bucket;
  vectors: VectorStore | null;
  /** Told after every step that changed the target's tables (the graph index rebuilds). */
  onGraphChange: GraphChangeListener;
}

export const RESTORE_PREFIX = "restores/";
export const restoreKey = (target: string) => `${RESTORE_PREFIX}${target}.json`;

/** The state of a restore that has not started yet. */
export function newRestoreState(backupId: string, source: string, target: string, by: string): RestoreState {
  const now = new Date().toISOString();
  return {
    restore_id: crypto.randomUUID(),
    backup_id: backupId,
    source_workspace: source,
    target_workspace: target,
    status: "running",
    phase: "clear",
    done_files: [],
    rows_restored: 0,
    started_at: now,
    updated_at: now,
    finished_at: null,
    requested_by: by,
    error: null,
    resumes: 0,
    checked: [],
    check_problems: [],
  };
}

export async function readRestoreState(bucket: R2Bucket, target: string): Promise<RestoreState | null> {
  const object = await bucket.get(restoreKey(target));
  if (!object) return null;
  const parsed = restoreStateSchema.safeParse(await object.json());
  return parsed.success ? parsed.data : null;
}

/** Every restore state in the bucket (running, completed or failed), one per target workspace. */
export async function listRestoreStates(bucket: R2Bucket): Promise<RestoreState[]> {
  const states: RestoreState[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: RESTORE_PREFIX, cursor });
    for (const object of page.objects) {
      const state = await readRestoreState(bucket, object.key.slice(RESTORE_PREFIX.length, -".json".length));
      if (state) states.push(state);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return states;
}

export async function saveRestoreState(bucket: R2Bucket, state: RestoreState): Promise<RestoreState> {
  const next = { ...state, updated_at: new Date().toISOString() };
  await bucket.put(restoreKey(state.target_workspace), JSON.stringify(next), {
    httpMetadata: { contentType: "application/json" },
  });
  return next;
}

/** The files of `workspace` a restore writes back, in restore order (parents first, vectors last). */
export function restorableFiles(manifest: BackupManifest, workspace: string): BackupFile[] {
  const order = new Map(WORKSPACE_TABLES.filter((t) => t.restore).map((t, i) => [t.name, i]));
  return manifest.files
    .filter((file) => file.workspace === workspace)
    .filter((file) => file.kind === "vectors" || order.has(file.name))
    .sort((a, b) => {
      const rank = (f: BackupFile) => (f.kind === "vectors" ? 1000 : (order.get(f.name) ?? 999));
      return rank(a) - rank(b) || a.name.localeCompare(b.name) || a.part - b.part;
    });
}

async function clearTarget(deps: RestoreDeps, target: string): Promise<void> {
  const rows = backupRows(deps);
  const tables = await rows.tables();
  const clear = [...WORKSPACE_TABLES]
    .reverse()
    .filter((table) => table.restore && tables.has(table.name) && table.name !== "workspaces");
  await rows.clear(clear, target);
  await deps.onGraphChange(target);
  if (deps.vectors) for (const ns of VECTOR_NAMESPACES) await deps.vectors.clear(target, ns);
}

async function readFileRows(bucket: R2Bucket, file: BackupFile): Promise<Record<string, unknown>[]> {
  const object = await bucket.get(file.key);
  if (!object) throw new Error(`${file.key} is missing`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  if ((await sha256Hex(bytes)) !== file.sha256) throw new Error(`${file.key} fails its SHA-256 check`);
  return (await gunzipLines(bytes)).map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function loadTableFile(deps: RestoreDeps, file: BackupFile, target: string): Promise<number> {
  const table = WORKSPACE_TABLES.find((t) => t.name === file.name);
  if (!table) throw new Error(`${file.name} is not a restorable table`);
  return backupRows(deps).insert(table, target, await readFileRows(deps.bucket, file));
}

async function loadVectorFile(deps: RestoreDeps, file: BackupFile, target: string): Promise<number> {
  if (!deps.vectors) return 0;
  const rows = await readFileRows(deps.bucket, file);
  const items = rows.map((row) => ({
    id: String(row.id),
    vector: base64ToVector(String(row.v)),
    ...(typeof row.p === "string" && { payload: row.p }),
  }));
  await deps.vectors.upsert(target, file.name as VectorNamespace, items);
  return items.length;
}

/** Rows now in the target, per table, for the restorable tables of the manifest. */
async function targetCounts(
  deps: RestoreDeps,
  target: string,
  names: Set<string>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const rows = backupRows(deps);
  for (const table of WORKSPACE_TABLES) {
    if (names.has(table.name)) counts[table.name] = await rows.count(table, target);
  }
  if (deps.vectors) {
    // Vectorize applies upserts asynchronously: count once this store's writes are visible.
    await deps.vectors.settle?.();
    for (const ns of VECTOR_NAMESPACES) counts[`vectors:${ns}`] = await deps.vectors.count(target, ns);
  }
  return counts;
}

/**
 * The target's content digest of `name` (a table, or `vectors:<namespace>`), computed as the
 * backup computed the source's (digest.ts), so equal rows give equal digests on any backend.
 */
async function targetDigest(deps: RestoreDeps, target: string, name: string): Promise<string | null> {
  const digest = new RowDigest();
  if (name.startsWith("vectors:")) {
    if (!deps.vectors) return null;
    const namespace = name.slice("vectors:".length) as VectorNamespace;
    for await (const line of vectorLines(deps.vectors, target, namespace))
      await digest.add(canonicalRow(line));
    return digest.hex();
  }
  const table = WORKSPACE_TABLES.find((t) => t.name === name);
  if (!table) return null;
  const pace = createPacer();
  for await (const page of backupRows(deps).pages(table, target, DIGEST_PAGE_ROWS)) {
    await pace();
    for (const row of page) await digest.add(canonicalRow(row, table.workspaceColumn));
  }
  return digest.hex();
}

/** Rows per page when a restore re-reads its target to check digests. */
const DIGEST_PAGE_ROWS = 1000;

/**
 * Names whose digests a restore checks: restorable tables and vectors restored from the backup;
 * not memberships (a row is restored only where its user still exists).
 */
function digestNames(manifest: BackupManifest, source: string, deps: RestoreDeps): string[] {
  const restorable = new Set(
    WORKSPACE_TABLES.filter((t) => t.restore && t.name !== "memberships").map((t) => t.name),
  );
  return Object.keys(manifest.digests?.[source] ?? {}).filter((name) =>
    name.startsWith("vectors:") ? deps.vectors !== null : restorable.has(name),
  );
}

/**
 * Runs the restore described by `state` until it finishes or `deadline` (ms since epoch) passes,
 * saving progress after every file. Returns the new state; `running` means "call again".
 *
 * @example
 * let state = await startRestore(...); while (state.status === "running") state = await runRestore(deps, state, Date.now() + 20_000);
 */
export async function runRestore(
  deps: RestoreDeps,
  initial: RestoreState,
  deadline: number,
): Promise<RestoreState> {
  let state = initial;
  const manifest = await readManifest(deps.bucket, state.backup_id);
  if (!manifest) throw new Error(`backup ${state.backup_id} has no manifest`);
  const files = restorableFiles(manifest, state.source_workspace);
  if (state.phase === "clear") {
    await clearTarget(deps, state.target_workspace);
    state = await saveRestoreState(deps.bucket, { ...state, phase: "load" });
  }
  if (state.phase === "load") {
    const done = new Set(state.done_files);
    const pace = createPacer();
    for (const file of files) {
      if (done.has(file.key)) continue;
      await pace();
      if (Date.now() > deadline) return state;
      const rows =
        file.kind === "vectors"
          ? await loadVectorFile(deps, file, state.target_workspace)
          : await loadTableFile(deps, file, state.target_workspace);
      if (file.kind === "table") await deps.onGraphChange(state.target_workspace);
      done.add(file.key);
      state = await saveRestoreState(deps.bucket, {
        ...state,
        done_files: [...done],
        rows_restored: state.rows_restored + rows,
      });
    }
    state = await saveRestoreState(deps.bucket, { ...state, phase: "check" });
  }
  const expected = manifest.counts[state.source_workspace] ?? {};
  const names = new Set(files.filter((f) => f.kind === "table").map((f) => f.name));
  const actual = await targetCounts(deps, state.target_workspace, names);
  const mismatches = Object.entries(actual)
    .filter(
      ([name]) => name !== "memberships" && (name.startsWith("vectors:") ? deps.vectors !== null : true),
    )
    .filter(([name, n]) => (expected[name] ?? 0) !== n)
    .map(([name, n]) => `${name}: ${n} rows, backup has ${expected[name] ?? 0}`);
  // Then the content, table by table (resumable: `checked` holds what is done).
  let checked = state.checked;
  const problems = [...state.check_problems];
  if (mismatches.length === 0) {
    const digests = manifest.digests?.[state.source_workspace] ?? {};
    for (const name of digestNames(manifest, state.source_workspace, deps)) {
      if (checked.includes(name)) continue;
      if (Date.now() > deadline)
        return saveRestoreState(deps.bucket, { ...state, checked, check_problems: problems });
      const digest = await targetDigest(deps, state.target_workspace, name);
      if (digest !== null && digest !== digests[name])
        problems.push(`${name}: content digest differs from the backup's`);
      checked = [...checked, name];
    }
  }
  const failures = [...mismatches, ...problems];
  const finished = new Date().toISOString();
  return saveRestoreState(deps.bucket, {
    ...state,
    checked,
    check_problems: problems,
    status: failures.length === 0 ? "completed" : "failed",
    finished_at: finished,
    error: failures.length === 0 ? null : failures.join("; "),
  });
}
