/**
 * Pure logic of the admin page: the audit log's query from its filter form, the body of a new
 * API key, LLM usage summed per model, and provider circuits as table rows. Unit-tested in
 * test/webui/admin.test.ts.
 */

export interface AuditFilters {
  event_type: string;
  outcome: string;
  user_id: string;
  /** `datetime-local` values (the browser's zone), or "". */
  from: string;
  to: string;
  limit: number;
}

export const AUDIT_EVENT_TYPES = [
  "authentication",
  "authorization",
  "data_access",
  "administrative",
  "system",
] as const;
export const AUDIT_OUTCOMES = ["success", "failure", "denied"] as const;

/**
 * The query string of `GET /admin/audit` for `filters` (empty fields left out, local times as
 * ISO 8601), with `cursor` for the next page.
 *
 * @example
 * auditQuery({ event_type: "administrative", outcome: "", user_id: "", from: "", to: "", limit: 50 }); // "event_type=administrative&limit=50"
 */
export function auditQuery(filters: AuditFilters, cursor?: string | null): string {
  const query = new URLSearchParams();
  if (filters.event_type) query.set("event_type", filters.event_type);
  if (filters.outcome) query.set("outcome", filters.outcome);
  if (filters.user_id.trim()) query.set("user_id", filters.user_id.trim());
  for (const key of ["from", "to"] as const) {
    const value = filters[key];
    if (!value) continue;
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) query.set(key, date.toISOString());
  }
  query.set("limit", String(Math.min(500, Math.max(1, Math.trunc(filters.limit) || 100))));
  if (cursor) query.set("cursor", cursor);
  return query.toString();
}

export interface KeyForm {
  name: string;
  role: string;
  workspace: string;
  expiresInDays: string;
}

/**
 * The body of `POST /admin/api-keys`, or the reason the form cannot be sent.
 *
 * @example
 * apiKeyBody({ name: "ci", role: "viewer", workspace: "default", expiresInDays: "30" });
 * // { ok: true, body: { name: "ci", role: "viewer", workspace: "default", expires_in_days: 30 } }
 */
export function apiKeyBody(
  form: KeyForm,
): { ok: true; body: Record<string, unknown> } | { ok: false; error: string } {
  const name = form.name.trim();
  if (!name) return { ok: false, error: "Name the key" };
  if (!/^[A-Za-z0-9_]{1,64}$/.test(form.workspace))
    return { ok: false, error: "Workspace: letters, digits, underscores" };
  const body: Record<string, unknown> = { name, role: form.role, workspace: form.workspace };
  if (form.expiresInDays.trim()) {
    const days = Number(form.expiresInDays);
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      return { ok: false, error: "Expiry: 1 to 3650 days" };
    body.expires_in_days = days;
  }
  return { ok: true, body };
}

export interface UsageRow {
  workspace: string;
  day: string;
  role: string;
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  calls: number;
  cached_calls: number;
  errors: number;
}

/**
 * Usage rows summed per provider and model, biggest spender first.
 *
 * @example
 * usageByModel(rows)[0]; // { provider: "openai", model: "gpt-4o-mini", prompt_tokens: 900, … }
 */
export function usageByModel(rows: readonly UsageRow[]) {
  const sums = new Map<string, Omit<UsageRow, "workspace" | "day" | "role">>();
  for (const row of rows) {
    const id = `${row.provider}\u0000${row.model}`;
    const sum = sums.get(id) ?? {
      provider: row.provider,
      model: row.model,
      prompt_tokens: 0,
      completion_tokens: 0,
      calls: 0,
      cached_calls: 0,
      errors: 0,
    };
    sum.prompt_tokens += row.prompt_tokens;
    sum.completion_tokens += row.completion_tokens;
    sum.calls += row.calls;
    sum.cached_calls += row.cached_calls;
    sum.errors += row.errors;
    sums.set(id, sum);
  }
  return [...sums.values()].sort(
    (a, b) => b.prompt_tokens + b.completion_tokens - (a.prompt_tokens + a.completion_tokens),
  );
}

export interface ChainLink {
  binding: string;
  model: string;
  host: string | null;
  timeout_ms: number;
  circuit: string;
}

/**
 * Provider chains as rows: one per role and link, in chain order (the first is the primary).
 *
 * @example
 * circuitRows({ query: [{ binding: "openai", model: "m", host: null, timeout_ms: 1000, circuit: "closed" }] });
 * // [{ role: "query", position: 1, binding: "openai", model: "m", host: "", circuit: "closed" }]
 */
export function circuitRows(roles: Record<string, ChainLink[]>) {
  return Object.entries(roles).flatMap(([role, links]) =>
    links.map((link, i) => ({
      role,
      position: i + 1,
      binding: link.binding,
      model: link.model,
      host: link.host ?? "",
      circuit: link.circuit,
    })),
  );
}

/** The part of a restore's state (`GET /admin/backups/{id}/restore`) the page shows. */
export interface RestoreProgress {
  backup_id: string;
  source_workspace: string;
  target_workspace: string;
  status: "running" | "completed" | "failed";
  phase: string;
  rows_restored: number;
  error: string | null;
}

const WORKSPACE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The body of `POST /admin/backups/{id}/restore`: the workspace `source` of the backup restored
 * into `target` (blank: into itself, replacing its data), or why it cannot be sent.
 *
 * @example
 * restoreBody("default", "copy_1"); // { ok: true, body: { workspace: "default", target_workspace: "copy_1" } }
 */
export function restoreBody(
  source: string,
  target: string,
): { ok: true; body: { workspace: string; target_workspace: string } } | { ok: false; error: string } {
  const into = target.trim() || source;
  if (!WORKSPACE_NAME.test(source)) return { ok: false, error: `"${source}" is not a workspace name` };
  if (!WORKSPACE_NAME.test(into))
    return { ok: false, error: "The target workspace takes letters, digits and underscores (at most 64)" };
  return { ok: true, body: { workspace: source, target_workspace: into } };
}

/**
 * One line on a restore's progress.
 *
 * @example
 * restoreSummary({ ...state, status: "running", phase: "load", rows_restored: 40 }); // "Restore of default into copy_1: running (load, 40 rows)"
 */
export function restoreSummary(state: RestoreProgress): string {
  const head = `Restore of ${state.source_workspace} into ${state.target_workspace}`;
  if (state.status === "failed") return `${head}: failed (${state.error ?? "unknown error"})`;
  if (state.status === "completed") return `${head}: completed, ${state.rows_restored} rows`;
  return `${head}: running (${state.phase}, ${state.rows_restored} rows)`;
}
