/** D1 store of token accounting (`llm_usage`): one counter row per workspace, day, role, provider, model. */
import { and, asc, eq, gte, lte, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { UsageEvent } from "../../providers/ports";
import { type UsageFilter, type UsageRow, type UsageStore, usageDay } from "../llm-stores";
import { llmUsage } from "./schema-llm";

export type { UsageEvent, UsageFilter, UsageRow };
export { usageDay };

export class D1UsageStore implements UsageStore {
  private readonly db;

  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  /** Adds `event` to its counter row with one upsert (no read-modify-write race). */
  async record(event: UsageEvent, now = Date.now()): Promise<void> {
    const row = {
      workspace: event.workspace,
      day: usageDay(now),
      role: event.role,
      provider: event.provider,
      model: event.model,
      promptTokens: event.promptTokens,
      completionTokens: event.completionTokens,
      calls: event.outcome === "call" ? 1 : 0,
      cachedCalls: event.outcome === "cached" ? 1 : 0,
      errors: event.outcome === "error" ? 1 : 0,
    };
    await this.db
      .insert(llmUsage)
      .values(row)
      .onConflictDoUpdate({
        target: [llmUsage.workspace, llmUsage.day, llmUsage.role, llmUsage.provider, llmUsage.model],
        set: {
          promptTokens: sql`${llmUsage.promptTokens} + excluded.prompt_tokens`,
          completionTokens: sql`${llmUsage.completionTokens} + excluded.completion_tokens`,
          calls: sql`${llmUsage.calls} + excluded.calls`,
          cachedCalls: sql`${llmUsage.cachedCalls} + excluded.cached_calls`,
          errors: sql`${llmUsage.errors} + excluded.errors`,
        },
      });
  }

  async list(filter: UsageFilter = {}): Promise<UsageRow[]> {
    const conditions: SQL[] = [];
    if (filter.workspace) conditions.push(eq(llmUsage.workspace, filter.workspace));
    if (filter.role) conditions.push(eq(llmUsage.role, filter.role));
    if (filter.from) conditions.push(gte(llmUsage.day, filter.from));
    if (filter.to) conditions.push(lte(llmUsage.day, filter.to));
    const rows = await this.db
      .select()
      .from(llmUsage)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(asc(llmUsage.day), asc(llmUsage.workspace), asc(llmUsage.role), asc(llmUsage.provider))
      .limit(filter.limit ?? 1000);
    return rows.map((row) => ({
      workspace: row.workspace,
      day: row.day,
      role: row.role,
      provider: row.provider,
      model: row.model,
      prompt_tokens: row.promptTokens,
      completion_tokens: row.completionTokens,
      calls: row.calls,
      cached_calls: row.cachedCalls,
      errors: row.errors,
    }));
  }

  async clear(workspace: string): Promise<number> {
    const result = await this.db.delete(llmUsage).where(eq(llmUsage.workspace, workspace)).run();
    return result.meta.changes ?? 0;
  }
}
