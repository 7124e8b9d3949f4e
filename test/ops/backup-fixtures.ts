/** Seeds a workspace with rows in every backed-up table and vectors, and dumps it back for comparison. */
import { env } from "cloudflare:test";
import type { Env } from "../../src/env";
import { WORKSPACE_TABLES } from "../../src/pipeline/backup/tables";
import { LocalVectorStore } from "../../src/storage/local-vector/store";
import { VECTOR_NAMESPACES } from "../../src/storage/vectors";

export const workerEnv = env as unknown as Env;
export const vectors = () => new LocalVectorStore(workerEnv.VECTOR_INDEX);

function vector(seed: number, dim = 8): Float32Array {
  return Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 7 + i) + 0.01 * i);
}

/**
 * Inserts `docs` documents with two chunks each, entities, relations and their vectors; with
 * `platform`, also LLM cache and usage rows and an audit row (the tables beside the engine's).
 */
export async function seedWorkspace(
  ws: string,
  docs = 3,
  options: { platform?: boolean } = {},
): Promise<void> {
  const db = workerEnv.DB;
  const now = 1_760_000_000_000;
  const statements: D1PreparedStatement[] = [
    db
      .prepare("INSERT OR IGNORE INTO workspaces (id, display_name) VALUES (?1, ?2)")
      .bind(ws, `Workspace ${ws}`),
    db
      .prepare(
        "INSERT OR IGNORE INTO users (id, username, password_hash, role) VALUES ('u-ops', 'ops', '$scrypt$secret-hash', 'user')",
      )
      .bind(),
    db.prepare("INSERT OR IGNORE INTO memberships (user_id, workspace_id) VALUES ('u-ops', ?1)").bind(ws),
    db
      .prepare(
        "INSERT OR REPLACE INTO api_keys (id, name, key_hash, prefix, role, workspace) VALUES (?1, 'ci', 'sha256-of-key-' || ?2, 'lr_abc', 'user', ?2)",
      )
      .bind(`key-${ws}`, ws),
  ];
  const entityNames: string[] = [];
  for (let d = 0; d < docs; d++) {
    const doc = `doc-${d}`;
    statements.push(
      db
        .prepare(
          `INSERT INTO documents (workspace, id, file_path, content_hash, content_summary, content_length, status,
             chunks_count, chunks_list, track_id, created_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'processed', 2, ?7, 'track-1', ?8, ?8)`,
        )
        .bind(
          ws,
          doc,
          `file-${d}.txt`,
          `hash-${d}`,
          `Summary ${d} "quoted" ünïcödé`,
          100 + d,
          `["${doc}-c0","${doc}-c1"]`,
          now + d,
        ),
      db
        .prepare("INSERT INTO document_contents (workspace, doc_id, part, text) VALUES (?1, ?2, 0, ?3)")
        .bind(ws, doc, `Full text ${d}\nline two`),
    );
    for (let c = 0; c < 2; c++) {
      const chunk = `${doc}-c${c}`;
      statements.push(
        db
          .prepare(
            "INSERT INTO chunks (workspace, id, doc_id, chunk_order, tokens, content, file_path) VALUES (?1, ?2, ?3, ?4, 12, ?5, ?6)",
          )
          .bind(ws, chunk, doc, c, `chunk ${chunk} text`, `file-${d}.txt`),
        db
          .prepare(
            "INSERT INTO chunk_extractions (workspace, chunk_id, doc_id, file_path, result) VALUES (?1, ?2, ?3, ?4, '{}')",
          )
          .bind(ws, chunk, doc, `file-${d}.txt`),
      );
    }
    const name = `Entity ${d}`;
    entityNames.push(name);
    statements.push(
      db
        .prepare(
          "INSERT INTO entities (workspace, name, entity_type, description, source_id, file_path, created_at) VALUES (?1, ?2, 'concept', ?3, ?4, ?5, ?6)",
        )
        .bind(ws, name, `About ${name}`, `${doc}-c0`, `file-${d}.txt`, now),
      db
        .prepare(
          "INSERT INTO entity_sources (workspace, name, chunk_id, doc_id, entity_type, description, file_path) VALUES (?1, ?2, ?3, ?4, 'concept', ?5, ?6)",
        )
        .bind(ws, name, `${doc}-c0`, doc, `About ${name}`, `file-${d}.txt`),
    );
  }
  for (let i = 1; i < entityNames.length; i++) {
    const [src, tgt] = [entityNames[i - 1], entityNames[i]];
    statements.push(
      db
        .prepare(
          "INSERT INTO relations (workspace, src, tgt, keywords, description, weight, source_id, file_path, created_at) VALUES (?1, ?2, ?3, 'k', 'links', ?4, 'doc-0-c0', 'file-0.txt', ?5)",
        )
        .bind(ws, src, tgt, 0.5 + i, now),
      db
        .prepare(
          "INSERT INTO relation_sources (workspace, src, tgt, chunk_id, doc_id, keywords, description, weight, file_path) VALUES (?1, ?2, ?3, 'doc-0-c0', 'doc-0', 'k', 'links', ?4, 'file-0.txt')",
        )
        .bind(ws, src, tgt, 0.5 + i),
    );
  }
  if (options.platform) statements.push(...platformRows(db, ws, now));
  await db.batch(statements);
  const store = vectors();
  await store.upsert(
    ws,
    "chunks",
    // Chunk vectors carry payloads (the chunk texts retrieval reads), which backups must keep.
    Array.from({ length: docs * 2 }, (_, i) => ({
      id: `chunk-${i}`,
      vector: vector(i),
      payload: `payload ${i}`,
    })),
  );
  await store.upsert(
    ws,
    "entities",
    entityNames.map((_, i) => ({ id: `ent-${i}`, vector: vector(100 + i) })),
  );
  await store.upsert(ws, "relations", [{ id: "rel-0", vector: vector(200) }]);
}

/** Two LLM cache rows, two usage rows and one audit row of `ws`. */
function platformRows(db: D1Database, ws: string, now: number): D1PreparedStatement[] {
  const cache = db.prepare(
    `INSERT INTO llm_cache (workspace, id, cache_type, mode, return_value, original_prompt, chunk_id, query_param,
       provider, model, created_at, updated_at) VALUES (?1, ?2, ?3, 'default', ?4, 'prompt "q" ü', ?5, ?6, 'ollama', 'qwen', ?7, ?7)`,
  );
  const usage = db.prepare(
    `INSERT INTO llm_usage (workspace, day, role, provider, model, prompt_tokens, completion_tokens, calls, cached_calls, errors)
     VALUES (?1, ?2, ?3, 'ollama', 'qwen', ?4, ?5, 3, 1, 0)`,
  );
  return [
    cache.bind(ws, `extract-${ws}`, "extract", '{"entities":[]}', "doc-0-c0", null, now),
    cache.bind(ws, `query-${ws}`, "query", "answer\nline", null, '{"mode":"mix"}', now + 1),
    usage.bind(ws, "2026-12-05", "extract", 1200, 300),
    usage.bind(ws, "2026-12-06", "query", 9_000_000_000, 42),
    db
      .prepare(
        `INSERT INTO audit_events (id, timestamp, event_type, event_action, outcome, workspace)
         VALUES (?1, ?2, 'document', 'document_upload', 'success', ?3)`,
      )
      .bind(`audit-${ws}`, now, ws),
  ];
}

/** Every restorable row of `ws` (workspace column dropped) and every vector, sorted, for deep equality. */
export async function dumpWorkspace(ws: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of WORKSPACE_TABLES.filter((t) => t.restore)) {
    const exists = await workerEnv.DB.prepare("SELECT 1 FROM sqlite_master WHERE name = ?1")
      .bind(table.name)
      .first();
    if (!exists) continue;
    const { results } = await workerEnv.DB.prepare(
      `SELECT * FROM ${table.name} WHERE ${table.workspaceColumn} = ?1`,
    )
      .bind(ws)
      .all<Record<string, unknown>>();
    out[table.name] = results
      .map((row) => {
        const { [table.workspaceColumn]: _ws, ...rest } = row;
        return JSON.stringify(rest);
      })
      .sort();
  }
  const store = vectors();
  for (const ns of VECTOR_NAMESPACES) {
    const ids = (await store.ids(ws, ns)).sort();
    const items = await store.get(ws, ns, ids);
    out[`vectors:${ns}`] = items
      .map((item) => `${item.id}:${Array.from(item.vector).join(",")}:${item.payload ?? "-"}`)
      .sort();
  }
  return out;
}

/** Deletes everything of `ws`, as a disaster would. */
export async function wipeWorkspace(ws: string): Promise<void> {
  for (const table of [...WORKSPACE_TABLES].reverse()) {
    const exists = await workerEnv.DB.prepare("SELECT 1 FROM sqlite_master WHERE name = ?1")
      .bind(table.name)
      .first();
    if (exists)
      await workerEnv.DB.prepare(`DELETE FROM ${table.name} WHERE ${table.workspaceColumn} = ?1`)
        .bind(ws)
        .run();
  }
  for (const ns of VECTOR_NAMESPACES) await vectors().clear(ws, ns);
}

/** Removes every row the fixtures write and every backup object (storage is shared by the tests of a file). */
export async function resetStorage(workspaces: readonly string[]): Promise<void> {
  for (const ws of workspaces) await wipeWorkspace(ws);
  await workerEnv.DB.prepare("DELETE FROM workspaces").run();
  await workerEnv.DB.prepare("DELETE FROM users").run();
  let cursor: string | undefined;
  do {
    const page = await workerEnv.BACKUPS.list({ cursor });
    if (page.objects.length > 0) await workerEnv.BACKUPS.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
