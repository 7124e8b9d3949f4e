/** Postgres adapter of token accounting (`llm_usage`): one counter row per workspace, day, role, provider, model. */
import {
  USAGE_LIST_LIMIT,
  type UsageDelta,
  type UsageEvent,
  type UsageFilter,
  type UsageRow,
  type UsageStore,
  usageDelta,
  usageRowValues,
} from "../llm-stores";
import { pgQuery, type Queryable } from "./client";

/** Counts tokens exactly as `D1UsageStore` does, and lists them in the same order. */
export class PgUsageStore implements UsageStore {
  constructor(private readonly db: Queryable) {}

  /** Adds `event` to its counter row with one upsert (no read-modify-write race). */
  async record(event: UsageEvent, now = Date.now()): Promise<void> {
    await this.recordMany([usageDelta(event, now)]);
  }

  /** One multi-row upsert; the deltas are of distinct rows (Postgres refuses to update a row twice in one). */
  async recordMany(deltas: UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const tuples = deltas.map((_, row) => {
      const at = row * 10;
      return `(${Array.from({ length: 10 }, (_, column) => `$${at + column + 1}`).join(", ")})`;
    });
    await this.db.query(
      `INSERT INTO llm_usage AS u (workspace, day, role, provider, model, prompt_tokens, completion_tokens,
         calls, cached_calls, errors)
       VALUES ${tuples.join(", ")}
       ON CONFLICT (workspace, day, role, provider, model) DO UPDATE SET
         prompt_tokens = u.prompt_tokens + excluded.prompt_tokens,
         completion_tokens = u.completion_tokens + excluded.completion_tokens,
         calls = u.calls + excluded.calls,
         cached_calls = u.cached_calls + excluded.cached_calls,
         errors = u.errors + excluded.errors`,
      deltas.flatMap(usageRowValues),
    );
  }

  async list(filter: UsageFilter = {}): Promise<UsageRow[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      values.push(value);
      where.push(clause.replace("?", `$${values.length}`));
    };
    if (filter.workspace) add("workspace = ?", filter.workspace);
    if (filter.role) add("role = ?", filter.role);
    if (filter.from) add('day >= ? COLLATE "C"', filter.from);
    if (filter.to) add('day <= ? COLLATE "C"', filter.to);
    values.push(filter.limit ?? USAGE_LIST_LIMIT);
    // COLLATE "C": SQLite's byte order, so both backends list rows alike.
    return pgQuery<UsageRow>(
      this.db,
      `SELECT workspace, day, role, provider, model, prompt_tokens, completion_tokens, calls, cached_calls, errors
       FROM llm_usage ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY day COLLATE "C", workspace COLLATE "C", role COLLATE "C", provider COLLATE "C"
       LIMIT $${values.length}`,
      values,
    );
  }

  async clear(workspace: string): Promise<number> {
    const rows = await pgQuery(this.db, "DELETE FROM llm_usage WHERE workspace = $1 RETURNING 1", [
      workspace,
    ]);
    return rows.length;
  }
}
