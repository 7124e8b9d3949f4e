/**
 * Every auth event goes through here: one audit record (authentication, authorization or
 * administrative) and, for failures, the `lightrag_auth_failures_total` counter by reason.
 */
import type { Context } from "hono";
import { audit } from "../audit";
import type { AppEnv } from "../http/app-env";
import { countMetric } from "../observability/metrics";

/** Why an authentication failed; the metric's `reason` label (a closed set). */
export type FailureReason =
  | "bad_credentials"
  | "locked"
  | "disabled"
  | "invalid_token"
  | "expired_token"
  | "revoked_token"
  | "invalid_api_key"
  | "missing_credentials"
  | "refresh_invalid"
  | "refresh_reuse"
  | "bootstrap_refused";

/**
 * A successful authentication event (login_success, logout, register, token_refresh, …).
 *
 * @example
 * authSuccess(c, "login_success", user.id, { login_method: "password" });
 */
export function authSuccess(
  c: Context<AppEnv>,
  action: string,
  userId: string | null,
  data: Record<string, unknown> = {},
): void {
  audit(c, {
    event_type: "authentication",
    event_action: action,
    outcome: "success",
    user_id: userId,
    additional_data: data,
  });
}

/** A failed authentication: audited and counted. */
export function authFailure(
  c: Context<AppEnv>,
  action: string,
  reason: FailureReason,
  userId: string | null = null,
  data: Record<string, unknown> = {},
): void {
  audit(c, {
    event_type: "authentication",
    event_action: action,
    outcome: "failure",
    user_id: userId,
    additional_data: { reason, ...data },
  });
  countMetric(c, "lightrag_auth_failures_total", { reason });
}

/** An authenticated caller asked for more than its role or workspace allows. */
export function accessDenied(c: Context<AppEnv>, data: Record<string, unknown>): void {
  audit(c, {
    event_type: "authorization",
    event_action: "access_denied",
    outcome: "denied",
    additional_data: { method: c.req.method, path: c.req.path, ...data },
  });
}

/** An administrator changed users, roles, memberships, workspaces or API keys. */
export function adminChange(c: Context<AppEnv>, action: string, data: Record<string, unknown>): void {
  audit(c, { event_type: "administrative", event_action: action, outcome: "success", additional_data: data });
}
