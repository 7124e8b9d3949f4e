/**
 * Audit trail entry points. Every event becomes one JSON line on stdout at level SECURITY
 * (Workers Logs and Logpush deliver it; LOG_LEVEL never drops it) and, when the effective
 * AUDIT_LOGGING_ENABLED flag is on (env default or a runtime override, resolved once by the
 * entry point), a row in the append-only audit table. Neither blocks nor fails the caller.
 */
import type { Context } from "hono";
import type { Config } from "../config";
import type { Env } from "../env";
import type { Flags } from "../flags/names";
import type { AppEnv } from "../http/app-env";
import { createLogger, type Logger } from "../observability/logger";
import { countMetric, countMetricWithEnv } from "../observability/metrics";
import { recordWorkspace, requestWaitUntil } from "../observability/request-context";
import { type AuditContext, type AuditEventInput, type AuditRecord, buildAuditRecord } from "./record";
import { auditTableSink } from "./sinks";
import type { AuditStore } from "./store";

export type { AuditEventInput, AuditEventType, AuditOutcome, AuditRecord } from "./record";

/** Message of every audit line, so `jq 'select(.message == "audit")'` finds them all. */
export const AUDIT_MESSAGE = "audit";

export interface AuditOptions {
  /** false: the log line only, no audit-table row (high-volume events sampled by the caller). */
  table?: boolean;
}

/** What `auditSystem` needs from its entry point's runtime (a queue batch, a cron run). */
export interface AuditScope {
  env: Env;
  config: Config;
  flags: Flags;
  log: Logger;
  waitUntil: (p: Promise<unknown>) => void;
  /** The entry point's services (a `Runtime` has them): the audit table of the selected backend. */
  services?: { audit: AuditStore };
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
    // Flags are unset only while the config is invalid (configGuard's refusal): keep the row then.
    const table = options.table !== false && (c.get("flags")?.AUDIT_LOGGING_ENABLED ?? true);
    // Services are unset only before resolveRuntimeFlags (a refused config): D1's table then.
    const store = c.get("services")?.audit;
    emit(
      c.env,
      requestWaitUntil(c),
      buildAuditRecord(event, context, new Date()),
      requestLogger(c),
      table,
      store,
    );
    countMetric(c, "lightrag_audit_events_total", { event_type: event.event_type, outcome: event.outcome });
  } catch (error) {
    reportFailure(requestLogger(c), error);
  }
}

/**
 * Records an event outside a request (queue consumer, cron).
 *
 * @example
 * auditSystem(rt, { event_type: "system", event_action: "backup_completed", outcome: "success" });
 */
export function auditSystem(scope: AuditScope, event: AuditEventInput & { workspace?: string }): void {
  const { env, waitUntil } = scope;
  try {
    const context: AuditContext = {
      user_id: null,
      ip_address: null,
      user_agent: null,
      session_id: null,
      request_id: null,
      workspace: event.workspace ?? scope.config.WORKSPACE,
    };
    const { workspace: _workspace, ...input } = event;
    const record = buildAuditRecord(input, context, new Date());
    emit(env, waitUntil, record, scope.log, scope.flags.AUDIT_LOGGING_ENABLED, scope.services?.audit);
    countMetricWithEnv(env, waitUntil, "lightrag_audit_events_total", {
      event_type: event.event_type,
      outcome: event.outcome,
    });
  } catch (error) {
    reportFailure(scope.log, error);
  }
}

/** The request's logger (`accessLog` sets it); a plain one in apps assembled without it. */
function requestLogger(c: Context<AppEnv>): Logger {
  return c.get("logger") ?? createLogger("INFO");
}

/** The stdout line always; the table row only when `table` (the effective flag and the caller agree). */
function emit(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  record: AuditRecord,
  log: Logger,
  table: boolean,
  store: AuditStore | undefined,
): void {
  log.security(AUDIT_MESSAGE, { ...record });
  if (table) waitUntil(auditTableSink(env, record, log, { store }));
}

function reportFailure(log: Logger, error: unknown): void {
  try {
    log.error("audit event could not be recorded", {
      error: error instanceof Error ? error.message : String(error),
    });
  } catch {
    // Auditing must never break the caller, not even when logging itself fails.
  }
}
