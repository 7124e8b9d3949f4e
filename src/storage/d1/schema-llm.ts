/**
 * LLM tables: the response cache (LightRAG's `llm_response_cache`, with its cache keys) and
 * token accounting per workspace, day, role, provider and model. Both are workspace-scoped.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const llmCache = sqliteTable(
  "llm_cache",
  {
    workspace: text("workspace").notNull(),
    /** LightRAG's key: `{mode}:{cache_type}:{md5}`, e.g. `default:extract:9f…`. */
    id: text("id").notNull(),
    /** extract | summary | keywords | query. */
    cacheType: text("cache_type").notNull(),
    mode: text("mode").notNull(),
    returnValue: text("return_value").notNull(),
    originalPrompt: text("original_prompt").notNull(),
    /** The chunk an extraction answer belongs to, so deleting a document can drop its entries. */
    chunkId: text("chunk_id"),
    /** JSON of the query parameters that went into a query/keywords key. */
    queryParam: text("query_param"),
    /** Provider and model that produced the answer (after failover). */
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.workspace, table.id] }),
    index("llm_cache_workspace_type_idx").on(table.workspace, table.cacheType),
    index("llm_cache_workspace_chunk_idx").on(table.workspace, table.chunkId),
  ],
);

export const llmUsage = sqliteTable(
  "llm_usage",
  {
    workspace: text("workspace").notNull(),
    /** UTC day, `YYYY-MM-DD`. */
    day: text("day").notNull(),
    /** extract | keyword | query | summary | embedding. */
    role: text("role").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    /** Calls answered by the provider. */
    calls: integer("calls").notNull().default(0),
    /** Calls answered from the LLM cache (no tokens spent). */
    cachedCalls: integer("cached_calls").notNull().default(0),
    /** Calls this provider failed (after its retries). */
    errors: integer("errors").notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.workspace, table.day, table.role, table.provider, table.model] }),
    index("llm_usage_day_idx").on(table.day),
  ],
);
