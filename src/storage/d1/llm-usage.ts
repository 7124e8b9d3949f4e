/** D1 store of token accounting (`llm_usage`): one counter row per workspace, day, role, provider, model. */
import { and, asc, eq, gte, lte, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { lazy } from "../../lazy";
import type { UsageEvent } from "../../providers/ports";
import {
  type UsageDelta,
  type UsageFilter,
  type UsageRow,
  type UsageStore,
  usageDay,
  usageDelta,
  usageRowValues,
} from "../llm-stores";
import { llmUsage } from "./schema-llm";

export type { UsageEvent, UsageFilter, UsageRow };
export { usageDay };

/**
 * The upsert as one fixed statement: it runs after every LLM call and cache hit (every query's
 * keywords), and building it with drizzle's query builder each time cost more CPU than D1's call.
 */
const RECORD_USAGE = `INSERT INTO llm_usage (workspace, day, role, provider, model, prompt_tokens,
  completion_tokens, calls, cached_calls, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (workspace, day, role, provider, model) DO UPDATE SET
  prompt_tokens = prompt_tokens + excluded.prompt_tokens,
  completion_tokens = completion_tokens + excluded.completion_tokens,
  calls = calls + excluded.calls, cached_calls = cached_calls + excluded.cached_calls,
  errors = errors + excluded.errors`;

export class D1UsageStore implements UsageStore {
  /** drizzle over `d1`, built on first use: the per-query statement above does without it. */
  private readonly db = lazy(() => drizzle(this.d1));

  constructor(private readonly d1: D1Database) {}

  /** Adds `event` to its counter row with one upsert (no read-modify-write race). */
  async record(event: UsageEvent, now = Date.now()): Promise<void> {
    await this.recordMany([usageDelta(event, now)]);
  }

  async recordMany(deltas: UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const statement = this.d1.prepare(RECORD_USAGE);
    const bound = deltas.map((delta) => statement.bind(...usageRowValues(delta)));
    if (bound.length === 1) await (bound[0] as D1PreparedStatement).run();
    else await this.d1.batch(bound);
  }

  async list(filter: UsageFilter = {}): Promise<UsageRow[]> {
    const conditions: SQL[] = [];
    if (filter.workspace) conditions.push(eq(llmUsage.workspace, filter.workspace));
    if (filter.role) conditions.push(eq(llmUsage.role, filter.role));
    if (filter.from) conditions.push(gte(llmUsage.day, filter.from));
    if (filter.to) conditions.push(lte(llmUsage.day, filter.to));
    const rows = await this.db()
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
    const result = await this.db().delete(llmUsage).where(eq(llmUsage.workspace, workspace)).run();
    return result.meta.changes ?? 0;
  }
}
