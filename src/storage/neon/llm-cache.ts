/** Postgres adapter of the LLM response cache (`llm_cache`); every statement is scoped by workspace. */
import type { LlmCacheEntry, LlmCacheStore } from "../llm-stores";
import { pgQuery, type Queryable } from "./client";

/** Reads and writes cached LLM answers exactly as `D1LlmCache` does. */
export class PgLlmCache implements LlmCacheStore {
  constructor(private readonly db: Queryable) {}

  async get(workspace: string, id: string): Promise<string | undefined> {
    const [row] = await pgQuery<{ return_value: string }>(
      this.db,
      "SELECT return_value FROM llm_cache WHERE workspace = $1 AND id = $2 LIMIT 1",
      [workspace, id],
    );
    return row?.return_value;
  }

  async put(workspace: string, entry: LlmCacheEntry, now = Date.now()): Promise<void> {
    // created_at survives a rewrite (D1's upsert sets every column but the key and created_at).
    await this.db.query(
      `INSERT INTO llm_cache (workspace, id, cache_type, mode, return_value, original_prompt, chunk_id,
         query_param, provider, model, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
       ON CONFLICT (workspace, id) DO UPDATE SET cache_type = excluded.cache_type, mode = excluded.mode,
         return_value = excluded.return_value, original_prompt = excluded.original_prompt,
         chunk_id = excluded.chunk_id, query_param = excluded.query_param, provider = excluded.provider,
         model = excluded.model, updated_at = excluded.updated_at`,
      [
        workspace,
        entry.id,
        entry.cacheType,
        entry.mode,
        entry.returnValue,
        entry.originalPrompt,
        entry.chunkId ?? null,
        entry.queryParam === undefined ? null : JSON.stringify(entry.queryParam),
        entry.provider,
        entry.model,
        now,
      ],
    );
  }

  async clear(workspace: string, cacheTypes?: string[]): Promise<number> {
    const rows =
      cacheTypes && cacheTypes.length > 0
        ? await pgQuery(
            this.db,
            "DELETE FROM llm_cache WHERE workspace = $1 AND cache_type = ANY($2::text[]) RETURNING 1",
            [workspace, cacheTypes],
          )
        : await pgQuery(this.db, "DELETE FROM llm_cache WHERE workspace = $1 RETURNING 1", [workspace]);
    return rows.length;
  }

  async deleteIds(workspace: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    // One array parameter: Postgres has no per-statement cap worth batching for (D1 binds 100).
    const rows = await pgQuery(
      this.db,
      "DELETE FROM llm_cache WHERE workspace = $1 AND id = ANY($2::text[]) RETURNING 1",
      [workspace, ids],
    );
    return rows.length;
  }
}
