/**
 * Audit trail entry points. Every event becomes one JSON line on stdout at level SECURITY
 * (Workers Logs and Logpush deliver it; LOG_LEVEL never drops it) and, when
 * AUDIT_LOGGING_ENABLED, a row in the append-only audit table. Neither blocks nor fails the caller.
 */
import type { Context } from "hono";
import { loadConfig } from "../config";
import type { Env } from "../env";
import type { AppEnv } from "../http/app-env";
import { createLogger, type Logger } from "../observability/logger";
import { countMetric, countMetricWithEnv } from "../observability/metrics";
import { defaultWorkspace, recordWorkspace, requestWaitUntil } from "../observability/request-context";
import { type AuditContext, type AuditEventInput, type AuditRecord, buildAuditRecord } from "./record";
import { auditTableSink } from "./sinks";

export type { AuditEventInput, AuditEventType, AuditOutcome, AuditRecord } from "./record";

/** Message of every audit line, so `jq 'select(.message == "audit")'` finds them all. */
export const AUDIT_MESSAGE = "audit";

export interface AuditOptions {
  /** false: the log line only, no audit-table row (high-volume events sampled by the caller). */
  table?: boolean;
}

/**
 * Records an event for an HTTP request: fills timestamp, ip, user agent, session, request id and
 * workspace; never blocks or throws (the table write runs in `waitUntil`).
 *
 * @example
 * audit(c, { event_type: "authentication", event_action: "login_failure", outcome: "failure", user_id: null,
 *   additional_data: { login_method: "password" } });
 */
export function audit(c: Context<AppEnv>, event: AuditEventInput, options: AuditOptions = {}): void {
  try {
    const principal = c.get("principal");
    const context: AuditContext = {
      user_id: principal?.userId ?? null,
      ip_address: c.get("clientIp") ?? c.req.header("CF-Connecting-IP")?.slice(0, 64) ?? null,
      user_agent: c.req.header("User-Agent") ?? null,
      session_id: principal?.sessionId ?? null,
      request_id: c.get("requestId") ?? null,
      workspace: recordWorkspace(c),
    };
    emit(c.env, requestWaitUntil(c), buildAuditRecord(event, context, new Date()), c.get("logger"), options);
    countMetric(c, "lightrag_audit_events_total", { event_type: event.event_type, outcome: event.outcome });
  } catch (error) {
    reportFailure(c.env, error);
  }
}

/**
 * Records an event outside a request (queue consumer, cron).
 *
 * @example
 * auditSystem(env, ctx.waitUntil.bind(ctx), { event_type: "system", event_action: "backup_completed", outcome: "success" });
 */
export function auditSystem(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  event: AuditEventInput & { workspace?: string },
): void {
  try {
    const context: AuditContext = {
      user_id: null,
      ip_address: null,
      user_agent: null,
      session_id: null,
      request_id: null,
      workspace: event.workspace ?? defaultWorkspace(env),
    };
    const { workspace: _workspace, ...input } = event;
    emit(env, waitUntil, buildAuditRecord(input, context, new Date()));
    countMetricWithEnv(env, waitUntil, "lightrag_audit_events_total", {
      event_type: event.event_type,
      outcome: event.outcome,
    });
  } catch (error) {
    reportFailure(env, error);
  }
}

function emit(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  record: AuditRecord,
  logger?: Logger,
  options: AuditOptions = {},
): void {
  const log = logger ?? createLogger(loadConfig(env).config?.LOG_LEVEL ?? "INFO");
  log.security(AUDIT_MESSAGE, { ...record });
  if (options.table === false || loadConfig(env).config?.AUDIT_LOGGING_ENABLED === false) return;
  waitUntil(auditTableSink(env, record, log));
}

function reportFailure(env: Env, error: unknown): void {
  try {
    createLogger(loadConfig(env).config?.LOG_LEVEL ?? "INFO").error("audit event could not be recorded", {
      error: error instanceof Error ? error.message : String(error),
    });
  } catch {
    // Auditing must never break the caller, not even when logging itself fails.
  }
}
