/** D1 store of the LLM response cache (`llm_cache`); every statement is scoped by workspace. */
import { and, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { lazy } from "../../lazy";
import type { LlmCacheEntry } from "../../providers/ports";
import type { LlmCacheStore } from "../llm-stores";
import { llmCache } from "./schema-llm";

export type { LlmCacheEntry };

/**
 * The read as one fixed statement: every query reads the cache (its keywords, then its answer),
 * and building the statement with drizzle's query builder each time cost more CPU than D1's call.
 */
const READ_ENTRY = "SELECT return_value FROM llm_cache WHERE workspace = ? AND id = ? LIMIT 1";

/** Reads and writes cached LLM answers; the key format is LightRAG's (see `cache-key.ts`). */
export class D1LlmCache implements LlmCacheStore {
  /** drizzle over `d1`, built on first use: the per-query statement above does without it. */
  private readonly db = lazy(() => drizzle(this.d1));

  constructor(private readonly d1: D1Database) {}

  async get(workspace: string, id: string): Promise<string | undefined> {
    const value = await this.d1.prepare(READ_ENTRY).bind(workspace, id).first<string>("return_value");
    return value ?? undefined;
  }

  async put(workspace: string, entry: LlmCacheEntry, now = Date.now()): Promise<void> {
    const row = {
      workspace,
      id: entry.id,
      cacheType: entry.cacheType,
      mode: entry.mode,
      returnValue: entry.returnValue,
      originalPrompt: entry.originalPrompt,
      chunkId: entry.chunkId ?? null,
      queryParam: entry.queryParam === undefined ? null : JSON.stringify(entry.queryParam),
      provider: entry.provider,
      model: entry.model,
      createdAt: now,
      updatedAt: now,
    };
    const { workspace: _w, id: _i, createdAt: _c, ...changes } = row;
    await this.db()
      .insert(llmCache)
      .values(row)
      .onConflictDoUpdate({ target: [llmCache.workspace, llmCache.id], set: changes });
  }

  /**
   * Deletes a workspace's cache, optionally only some cache types (LightRAG's
   * `/documents/clear_cache` modes), and returns how many entries went.
   */
  async clear(workspace: string, cacheTypes?: string[]): Promise<number> {
    const scope = eq(llmCache.workspace, workspace);
    const where =
      cacheTypes && cacheTypes.length > 0 ? and(scope, inArray(llmCache.cacheType, cacheTypes)) : scope;
    const result = await this.db().delete(llmCache).where(where).run();
    return result.meta.changes ?? 0;
  }

  /** Deletes the entries of the given ids (a deleted document's `llm_cache_list`). */
  async deleteIds(workspace: string, ids: string[]): Promise<number> {
    let deleted = 0;
    // D1 binds at most 100 parameters per statement.
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      const result = await this.db()
        .delete(llmCache)
        .where(and(eq(llmCache.workspace, workspace), inArray(llmCache.id, slice)))
        .run();
      deleted += result.meta.changes ?? 0;
    }
    return deleted;
  }
}
