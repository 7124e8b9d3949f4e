/**
 * The append-only audit table: one row per audit event, the same fields as the JSON line on
 * stdout. Rows are only inserted (a trigger refuses UPDATE) and deleted by the retention cron.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const auditEvents = sqliteTable(
  "audit_events",
  {
    /** Random id; the queue fallback inserts with OR IGNORE, so a retried write never duplicates. */
    id: text("id").primaryKey(),
    /** Milliseconds since the epoch (the record's `timestamp`). */
    timestamp: integer("timestamp").notNull(),
    eventType: text("event_type", {
      enum: ["authentication", "authorization", "data_access", "administrative", "system"],
    }).notNull(),
    eventAction: text("event_action").notNull(),
    outcome: text("outcome", { enum: ["success", "failure", "denied"] }).notNull(),
    userId: text("user_id"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    sessionId: text("session_id"),
    requestId: text("request_id"),
    /** Every read filters by workspace. */
    workspace: text("workspace").notNull(),
    /** Redacted JSON object. */
    additionalData: text("additional_data").notNull().default("{}"),
  },
  (table) => [
    index("audit_events_workspace_time_idx").on(table.workspace, table.timestamp),
    index("audit_events_workspace_type_time_idx").on(table.workspace, table.eventType, table.timestamp),
    index("audit_events_workspace_user_time_idx").on(table.workspace, table.userId, table.timestamp),
    index("audit_events_time_idx").on(table.timestamp),
  ],
);
