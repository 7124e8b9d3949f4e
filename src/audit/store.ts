/**
 * The audit table: its port (`AuditStore`: idempotent inserts, filtered newest-first pages
 * scoped to a workspace, retention deletes in bounded chunks) and the D1 adapter through
 * drizzle. Postgres implements the same port (src/storage/neon/audit.ts); the composition root
 * picks one (`services.audit`).
 */
import { and, desc, eq, gte, inArray, lt, lte, or, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { auditEvents } from "../storage/d1/schema-audit";
import { type AuditEventType, type AuditOutcome, type AuditRecord, auditRowValues } from "./record";

/** A stored event: the record plus its row id. */
export type StoredAuditEvent = AuditRecord & { id: string };

export interface AuditFilters {
  /** Inclusive bounds in ms since the epoch. */
  from?: number;
  to?: number;
  event_type?: AuditEventType;
  user_id?: string;
  outcome?: AuditOutcome;
  /** Continue after this (timestamp, id) position of the previous page. */
  after?: { timestamp: number; id: string };
  limit: number;
}

/** Where audit rows live. */
export interface AuditStore {
  /** Inserts `record` under `id`; inserting the same id twice keeps the first row. */
  insert(id: string, record: AuditRecord): Promise<void>;
  /** One page of `workspace`'s events, newest first, and whether more follow. */
  list(workspace: string, filters: AuditFilters): Promise<{ events: StoredAuditEvent[]; more: boolean }>;
  /** Deletes events older than `before` (ms) in chunks of PRUNE_CHUNK; returns how many went. */
  prune(before: number, maxChunks?: number): Promise<number>;
}

/**
 * The D1 audit table as an `AuditStore` (the functions below, bound to one database).
 *
 * @example
 * await new D1AuditStore(env.DB).insert(crypto.randomUUID(), record);
 */
export class D1AuditStore implements AuditStore {
  constructor(private readonly db: D1Database) {}

  insert(id: string, record: AuditRecord): Promise<void> {
    return insertAuditEvent(this.db, id, record);
  }

  list(workspace: string, filters: AuditFilters): Promise<{ events: StoredAuditEvent[]; more: boolean }> {
    return listAuditEvents(this.db, workspace, filters);
  }

  prune(before: number, maxChunks?: number): Promise<number> {
    return pruneAuditEvents(this.db, before, maxChunks);
  }
}

/**
 * The insert as one fixed statement: it runs for every audited request (every query), and
 * building it with drizzle's query builder each time cost more CPU than D1's call itself.
 */
const INSERT_AUDIT_EVENT = `INSERT INTO audit_events (id, timestamp, event_type, event_action, outcome, user_id,
  ip_address, user_agent, session_id, request_id, workspace, additional_data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

/** Inserts `record` under `id`; inserting the same id twice keeps the first row. */
export async function insertAuditEvent(db: D1Database, id: string, record: AuditRecord): Promise<void> {
  await db
    .prepare(INSERT_AUDIT_EVENT)
    .bind(...auditRowValues(id, record))
    .run();
}

/**
 * One page of `workspace`'s events, newest first; `limit + 1` rows are read to know if more follow.
 *
 * @example
 * const { events, more } = await listAuditEvents(env.DB, "default", { event_type: "authentication", limit: 50 });
 */
export async function listAuditEvents(
  db: D1Database,
  workspace: string,
  filters: AuditFilters,
): Promise<{ events: StoredAuditEvent[]; more: boolean }> {
  const where: SQL[] = [eq(auditEvents.workspace, workspace)];
  if (filters.from !== undefined) where.push(gte(auditEvents.timestamp, filters.from));
  if (filters.to !== undefined) where.push(lte(auditEvents.timestamp, filters.to));
  if (filters.event_type) where.push(eq(auditEvents.eventType, filters.event_type));
  if (filters.user_id) where.push(eq(auditEvents.userId, filters.user_id));
  if (filters.outcome) where.push(eq(auditEvents.outcome, filters.outcome));
  if (filters.after) {
    const { timestamp, id } = filters.after;
    const before = or(
      lt(auditEvents.timestamp, timestamp),
      and(eq(auditEvents.timestamp, timestamp), lt(auditEvents.id, id)),
    );
    if (before) where.push(before);
  }
  const rows = await drizzle(db)
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.timestamp), desc(auditEvents.id))
    .limit(filters.limit + 1);
  const events = rows.slice(0, filters.limit).map(
    (row): StoredAuditEvent => ({
      id: row.id,
      timestamp: new Date(row.timestamp).toISOString(),
      event_type: row.eventType,
      event_action: row.eventAction,
      user_id: row.userId,
      ip_address: row.ipAddress,
      user_agent: row.userAgent,
      session_id: row.sessionId,
      additional_data: parseAdditionalData(row.additionalData),
      request_id: row.requestId,
      workspace: row.workspace,
      outcome: row.outcome,
    }),
  );
  return { events, more: rows.length > filters.limit };
}

/** Rows deleted per statement; keeps each D1 statement short. */
export const PRUNE_CHUNK = 1000;

/** Deletes events older than `before` (ms) in chunks; returns how many went. */
export async function pruneAuditEvents(db: D1Database, before: number, maxChunks = 50): Promise<number> {
  const orm = drizzle(db);
  let deleted = 0;
  for (let chunk = 0; chunk < maxChunks; chunk++) {
    const old = orm
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(lt(auditEvents.timestamp, before))
      .limit(PRUNE_CHUNK);
    const result = await orm.delete(auditEvents).where(inArray(auditEvents.id, old));
    const changes = result.meta.changes ?? 0;
    deleted += changes;
    if (changes < PRUNE_CHUNK) break;
  }
  return deleted;
}

/** The stored `additional_data` text as an object (anything else reads as `{}`). */
export function parseAdditionalData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
