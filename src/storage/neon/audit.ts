/**
 * Postgres adapter of the audit log (`audit_events`): idempotent inserts, newest-first pages
 * scoped to a workspace and retention deletes in bounded chunks, as the D1 adapter
 * (src/audit/store.ts). A trigger refuses UPDATE (migrations-pg/0004_platform_audit_append_only.sql).
 */

import { type AuditRecord, auditRowValues } from "../../audit/record";
import {
  type AuditFilters,
  type AuditStore,
  PRUNE_CHUNK,
  parseAdditionalData,
  type StoredAuditEvent,
} from "../../audit/store";
import { pgQuery, type Queryable } from "./client";

/** A row as Postgres returns it: the stored event with its time in ms and its data as JSON text. */
type AuditRow = Omit<StoredAuditEvent, "timestamp" | "additional_data"> & {
  timestamp: number;
  additional_data: string;
};

export class PgAuditStore implements AuditStore {
  constructor(private readonly db: Queryable) {}

  async insert(id: string, record: AuditRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_events (id, timestamp, event_type, event_action, outcome, user_id, ip_address,
         user_agent, session_id, request_id, workspace, additional_data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO NOTHING`,
      auditRowValues(id, record),
    );
  }

  async list(
    workspace: string,
    filters: AuditFilters,
  ): Promise<{ events: StoredAuditEvent[]; more: boolean }> {
    const values: unknown[] = [workspace];
    const where = ["workspace = $1"];
    const add = (clause: (n: number) => string, ...params: unknown[]) => {
      const first = values.length + 1;
      values.push(...params);
      where.push(clause(first));
    };
    if (filters.from !== undefined) add((n) => `timestamp >= $${n}`, filters.from);
    if (filters.to !== undefined) add((n) => `timestamp <= $${n}`, filters.to);
    if (filters.event_type) add((n) => `event_type = $${n}`, filters.event_type);
    if (filters.user_id) add((n) => `user_id = $${n}`, filters.user_id);
    if (filters.outcome) add((n) => `outcome = $${n}`, filters.outcome);
    if (filters.after) {
      // Ids compare by bytes (COLLATE "C"), as SQLite compares them, so cursors mean the same on both.
      add(
        (n) => `(timestamp < $${n} OR (timestamp = $${n} AND id COLLATE "C" < $${n + 1}))`,
        filters.after.timestamp,
        filters.after.id,
      );
    }
    values.push(filters.limit + 1);
    const rows = await pgQuery<AuditRow>(
      this.db,
      // The columns in the order of the API's event (and of the D1 adapter's), as the row is spread into it.
      `SELECT id, timestamp, event_type, event_action, user_id, ip_address, user_agent, session_id,
         additional_data, request_id, workspace, outcome
       FROM audit_events WHERE ${where.join(" AND ")}
       ORDER BY timestamp DESC, id COLLATE "C" DESC LIMIT $${values.length}`,
      values,
    );
    const events = rows.slice(0, filters.limit).map(
      (row): StoredAuditEvent => ({
        ...row,
        timestamp: new Date(row.timestamp).toISOString(),
        additional_data: parseAdditionalData(row.additional_data),
      }),
    );
    return { events, more: rows.length > filters.limit };
  }

  async prune(before: number, maxChunks = 50): Promise<number> {
    let deleted = 0;
    for (let chunk = 0; chunk < maxChunks; chunk++) {
      // Bounded chunks as on D1: a long first retention run never holds one huge delete.
      const rows = await pgQuery(
        this.db,
        `DELETE FROM audit_events WHERE id IN
           (SELECT id FROM audit_events WHERE timestamp < $1 LIMIT $2) RETURNING 1`,
        [before, PRUNE_CHUNK],
      );
      deleted += rows.length;
      if (rows.length < PRUNE_CHUNK) break;
    }
    return deleted;
  }
}
