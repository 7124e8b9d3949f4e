/**
 * Ports of the LLM tables the service keeps beside the engine: the answer cache and token
 * accounting. D1 (`src/storage/d1/llm-cache.ts`, `llm-usage.ts`) and Postgres
 * (`src/storage/neon/llm-cache.ts`, `llm-usage.ts`) implement them; the composition root picks one.
 */
import type { CachePort, LlmCacheEntry, UsageEvent, UsagePort } from "../providers/ports";

export type { LlmCacheEntry, UsageEvent };

/** The answer cache: what the clients read and write, plus the admin deletes. */
export interface LlmCacheStore extends CachePort {
  put(workspace: string, entry: LlmCacheEntry, now?: number): Promise<void>;
  /** Deletes a workspace's entries (only `cacheTypes` when given); returns how many went. */
  clear(workspace: string, cacheTypes?: string[]): Promise<number>;
  /** Deletes the entries of the given ids; returns how many went. */
  deleteIds(workspace: string, ids: string[]): Promise<number>;
}

/** One counter row of `llm_usage`, as `GET /admin/llm/usage` answers it. */
export interface UsageRow {
  workspace: string;
  day: string;
  role: string;
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  calls: number;
  cached_calls: number;
  errors: number;
}

export interface UsageFilter {
  workspace?: string;
  role?: string;
  /** Inclusive UTC days, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  limit?: number;
}

/**
 * What one upsert adds to a counter row: one usage event's counts (`usageDelta`), or the sum of
 * several events of the same row (`addUsage`).
 */
export interface UsageDelta {
  workspace: string;
  day: string;
  role: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  calls: number;
  cachedCalls: number;
  errors: number;
}

/** Token accounting: one upserted counter per workspace, day, role, provider and model. */
export interface UsageStore extends UsagePort {
  record(event: UsageEvent, now?: number): Promise<void>;
  /** Adds each delta to its counter row, in one round trip (deltas of distinct rows). */
  recordMany(deltas: UsageDelta[]): Promise<void>;
  /** Rows ordered by day, workspace, role, provider (at most `limit`, default 1,000). */
  list(filter?: UsageFilter): Promise<UsageRow[]>;
  /** Deletes a workspace's counters (workspace purge); returns how many rows went. */
  clear(workspace: string): Promise<number>;
}

/** The UTC day of `now`, as stored in the `day` column. */
export function usageDay(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Default and cap of one usage page. */
export const USAGE_LIST_LIMIT = 1000;

/**
 * The counts `event` adds to its row on the UTC day of `now`.
 *
 * @example
 * usageDelta({ workspace: "w", role: "query", provider: "p", model: "m", promptTokens: 3, completionTokens: 1, outcome: "call" }, Date.now());
 */
export function usageDelta(event: UsageEvent, now: number): UsageDelta {
  return {
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
}

/** The row a delta counts in: deltas of one key are summed before they are written. */
export function usageKey(delta: UsageDelta): string {
  return [delta.workspace, delta.day, delta.role, delta.provider, delta.model].join("\u0000");
}

/** `into` plus `delta`'s counts (same row), in place. */
export function addUsage(into: UsageDelta, delta: UsageDelta): void {
  into.promptTokens += delta.promptTokens;
  into.completionTokens += delta.completionTokens;
  into.calls += delta.calls;
  into.cachedCalls += delta.cachedCalls;
  into.errors += delta.errors;
}

/**
 * The upsert's values, in the column order both backends' statements name: workspace, day, role,
 * provider, model, prompt_tokens, completion_tokens, calls, cached_calls, errors.
 *
 * @example
 * await db.prepare(RECORD_USAGE).bind(...usageRowValues(usageDelta(event, Date.now()))).run();
 */
export function usageRowValues(delta: UsageDelta): Array<string | number> {
  return [
    delta.workspace,
    delta.day,
    delta.role,
    delta.provider,
    delta.model,
    delta.promptTokens,
    delta.completionTokens,
    delta.calls,
    delta.cachedCalls,
    delta.errors,
  ];
}
