/**
 * The audit record: exactly the seed's fields plus `request_id`, `workspace` and `outcome`,
 * built from a request or a background job, with `additional_data` already redacted.
 */
import { redact, redactString } from "../observability/redact";

export type AuditEventType = "authentication" | "authorization" | "data_access" | "administrative" | "system";

export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = [
  "authentication",
  "authorization",
  "data_access",
  "administrative",
  "system",
];

export type AuditOutcome = "success" | "failure" | "denied";

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ["success", "failure", "denied"];

export interface AuditEventInput {
  event_type: AuditEventType;
  /** e.g. "login_success", "access_denied", "document_upload". */
  event_action: string;
  outcome: AuditOutcome;
  /** Defaults to the request's principal. */
  user_id?: string | null;
  /** Always redacted before any sink sees it. */
  additional_data?: Record<string, unknown>;
}

export interface AuditRecord {
  timestamp: string;
  event_type: AuditEventType;
  event_action: string;
  user_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  session_id: string | null;
  additional_data: Record<string, unknown>;
  request_id: string | null;
  workspace: string;
  outcome: AuditOutcome;
}

/** Who, where and through which request; the parts of a record the caller does not supply. */
export interface AuditContext {
  user_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  session_id: string | null;
  request_id: string | null;
  workspace: string;
}

/** Longest `event_action`/`user_agent` kept; both come partly from clients. */
const MAX_ACTION = 64;
const MAX_USER_AGENT = 512;

/**
 * Builds the record for `event` in `context`.
 *
 * @example
 * buildAuditRecord({ event_type: "authentication", event_action: "login_failure", outcome: "failure" }, ctx, new Date())
 */
export function buildAuditRecord(event: AuditEventInput, context: AuditContext, now: Date): AuditRecord {
  const additional = redact(event.additional_data ?? {});
  return {
    timestamp: now.toISOString(),
    event_type: event.event_type,
    event_action: event.event_action.slice(0, MAX_ACTION),
    user_id: event.user_id === undefined ? context.user_id : event.user_id,
    ip_address: context.ip_address,
    user_agent:
      context.user_agent === null ? null : redactString(context.user_agent.slice(0, MAX_USER_AGENT)),
    session_id: context.session_id,
    additional_data: isRecord(additional) ? additional : {},
    request_id: context.request_id,
    workspace: context.workspace,
    outcome: event.outcome,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A row's values in the column order both backends' inserts name: id, timestamp (ms), event_type,
 * event_action, outcome, user_id, ip_address, user_agent, session_id, request_id, workspace,
 * additional_data (JSON text).
 *
 * @example
 * await db.prepare(INSERT_AUDIT_EVENT).bind(...auditRowValues(id, record)).run();
 */
export function auditRowValues(id: string, record: AuditRecord): Array<string | number | null> {
  return [
    id,
    Date.parse(record.timestamp),
    record.event_type,
    record.event_action,
    record.outcome,
    record.user_id,
    record.ip_address,
    record.user_agent,
    record.session_id,
    record.request_id,
    record.workspace,
    JSON.stringify(record.additional_data),
  ];
}
