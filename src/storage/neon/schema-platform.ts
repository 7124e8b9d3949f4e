/**
 * Postgres tables of the service around the engine (STORAGE_BACKEND=neon): the LLM response
 * cache, token accounting and the audit log, the same tables, columns and indexes as D1's
 * (src/storage/d1/schema-llm.ts, schema-audit.ts). Times are unix ms in `bigint`.
 * `npm run db:generate:pg` turns changes into migrations-pg/.
 */
import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

const time = (name: string) => bigint(name, { mode: "number" });

/** LightRAG's `llm_response_cache`, keyed `{mode}:{cache_type}:{md5}` per workspace. */
export const llmCache = pgTable(
  "llm_cache",
  {
    workspace: text("workspace").notNull(),
    id: text("id").notNull(),
    cacheType: text("cache_type").notNull(),
    mode: text("mode").notNull(),
    returnValue: text("return_value").notNull(),
    originalPrompt: text("original_prompt").notNull(),
    chunkId: text("chunk_id"),
    queryParam: text("query_param"),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    createdAt: time("created_at").notNull(),
    updatedAt: time("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.id] }),
    index("llm_cache_workspace_type_idx").on(t.workspace, t.cacheType),
    index("llm_cache_workspace_chunk_idx").on(t.workspace, t.chunkId),
  ],
);

/** One counter row per workspace, UTC day, role, provider and model. */
export const llmUsage = pgTable(
  "llm_usage",
  {
    workspace: text("workspace").notNull(),
    day: text("day").notNull(),
    role: text("role").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    // bigint: a busy workspace's daily token sum can pass 2^31 (SQLite's INTEGER is 64-bit).
    promptTokens: bigint("prompt_tokens", { mode: "number" }).notNull().default(0),
    completionTokens: bigint("completion_tokens", { mode: "number" }).notNull().default(0),
    calls: integer("calls").notNull().default(0),
    cachedCalls: integer("cached_calls").notNull().default(0),
    errors: integer("errors").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.workspace, t.day, t.role, t.provider, t.model] }),
    index("llm_usage_day_idx").on(t.day),
  ],
);

/**
 * The append-only audit log; a trigger (migrations-pg/0004_platform_audit_append_only.sql)
 * refuses UPDATE as D1's does.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    timestamp: time("timestamp").notNull(),
    eventType: text("event_type").notNull(),
    eventAction: text("event_action").notNull(),
    outcome: text("outcome").notNull(),
    userId: text("user_id"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    sessionId: text("session_id"),
    requestId: text("request_id"),
    workspace: text("workspace").notNull(),
    additionalData: text("additional_data").notNull().default("{}"),
  },
  (t) => [
    index("audit_events_workspace_time_idx").on(t.workspace, t.timestamp),
    index("audit_events_workspace_type_time_idx").on(t.workspace, t.eventType, t.timestamp),
    index("audit_events_workspace_user_time_idx").on(t.workspace, t.userId, t.timestamp),
    index("audit_events_time_idx").on(t.timestamp),
  ],
);
