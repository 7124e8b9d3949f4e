/**
 * Audit table sink. Filled in by the audit-table change; today the stdout line is the record.
 */
import type { Env } from "../env";
import type { Logger } from "../observability/logger";
import type { AuditRecord } from "./record";

/** Appends `record` to the audit table; resolves (never rejects) when done or given up. */
export async function auditTableSink(_env: Env, _record: AuditRecord, _log: Logger): Promise<void> {}
