/**
 * Runs dependency probes side by side, each bounded by a timeout, and reports one entry per
 * probe. A probe that throws or times out fails; it never fails the whole report.
 */

export type CheckStatus = "pass" | "fail" | "skip";

export interface HealthCheck {
  name: string;
  /** A failing critical check makes the service not ready. */
  critical: boolean;
  /** Resolves with optional detail to report, or `"skip"` when not applicable here. */
  run(): Promise<unknown>;
}

export interface CheckResult {
  name: string;
  status: CheckStatus;
  critical: boolean;
  latency_ms: number;
  message?: string;
  detail?: unknown;
}

/** Default per-probe budget: a readiness probe must answer well inside the platform's timeout. */
export const CHECK_TIMEOUT_MS = 2000;

/** Sentinel a probe returns when it does not apply to this deployment. */
export const SKIP = Symbol("skip");

/**
 * Runs every check concurrently.
 *
 * @example
 * const results = await runChecks([{ name: "d1", critical: true, run: () => db.prepare("SELECT 1").first() }]);
 */
export async function runChecks(checks: HealthCheck[], timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runOne(check, timeoutMs)));
}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const base = { name: check.name, critical: check.critical };
  try {
    const detail = await Promise.race([check.run(), timeout]);
    const latency_ms = Date.now() - started;
    if (detail === SKIP) return { ...base, status: "skip", latency_ms };
    return detail === undefined || detail === null
      ? { ...base, status: "pass", latency_ms }
      : { ...base, status: "pass", latency_ms, detail };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: "fail", latency_ms: Date.now() - started, message };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** True when no critical check failed. */
export function isHealthy(results: CheckResult[]): boolean {
  return results.every((result) => !result.critical || result.status !== "fail");
}
