/**
 * The canary's judgement, as a pure function: health and metrics readings in, promote / hold /
 * rollback out. The triggers are the production guidelines' automated rollback triggers:
 * health check failures, an error rate above 5% over 2 minutes, database connection failures
 * and authentication system failures. No I/O here, so every rule is tested offline.
 */

/** One observation of the canary, taken every poll interval. Counts are deltas since the previous reading. */
export interface CanaryReading {
  /** Milliseconds since the epoch. */
  at: number;
  /** `/health/ready` of the canary version answered 200. */
  ready: boolean;
  /** The D1 check of `/health/ready` passed (false when it failed or the probe got no answer). */
  database: boolean;
  /** Requests answered since the previous reading, and how many of them were 5xx. */
  requests: number;
  errors: number;
  /** Authentication attempts and failures since the previous reading (metrics, plus the synthetic login probe). */
  authAttempts: number;
  authFailures: number;
  /** A synthetic authenticated request failed with 5xx or an unexpected 401 (auth system broken). */
  authProbeFailed?: boolean;
}

export interface CanaryPolicy {
  /** How long the canary is watched before it is promoted. */
  observeMs: number;
  /** The error-rate window (2 minutes) and its limit (5%). */
  errorWindowMs: number;
  maxErrorRate: number;
  /** Fewer requests than this in the window are too few to judge an error rate. */
  minRequests: number;
  /** Consecutive failed readiness probes that trigger a rollback. */
  maxHealthFailures: number;
  /** Consecutive database failures that trigger a rollback. */
  maxDatabaseFailures: number;
  /** Auth failure share above which, with enough attempts, the auth system is deemed broken. */
  maxAuthFailureRate: number;
  minAuthAttempts: number;
  /** Consecutive failed synthetic auth probes that trigger a rollback. */
  maxAuthProbeFailures: number;
}

export const DEFAULT_POLICY: CanaryPolicy = {
  observeMs: 10 * 60 * 1000,
  errorWindowMs: 2 * 60 * 1000,
  maxErrorRate: 0.05,
  minRequests: 20,
  maxHealthFailures: 3,
  maxDatabaseFailures: 2,
  maxAuthFailureRate: 0.5,
  minAuthAttempts: 10,
  maxAuthProbeFailures: 2,
};

export type CanaryAction = "promote" | "hold" | "rollback";

export interface CanaryDecision {
  action: CanaryAction;
  /** The trigger or the reason for waiting, for logs and the deployment message. */
  reason: string;
  /** Error rate over the last window, when there were enough requests to compute it. */
  errorRate: number | null;
}

/** Length of the run of readings at the end of `readings` for which `failed` holds. */
function trailing(readings: readonly CanaryReading[], failed: (r: CanaryReading) => boolean): number {
  let n = 0;
  for (let i = readings.length - 1; i >= 0; i--) {
    const reading = readings[i];
    if (!reading || !failed(reading)) break;
    n += 1;
  }
  return n;
}

function sum(readings: readonly CanaryReading[], pick: (r: CanaryReading) => number): number {
  return readings.reduce((total, r) => total + pick(r), 0);
}

/**
 * Decides what to do with the canary after the readings so far.
 *
 * @example
 * decide(readings, DEFAULT_POLICY, startedAt, Date.now()); // { action: "hold", reason: "watching: 3 of 10 min", errorRate: 0.01 }
 */
export function decide(
  readings: readonly CanaryReading[],
  policy: CanaryPolicy,
  startedAt: number,
  now: number,
): CanaryDecision {
  const healthFailures = trailing(readings, (r) => !r.ready);
  const databaseFailures = trailing(readings, (r) => !r.database);
  const probeFailures = trailing(readings, (r) => r.authProbeFailed === true);
  const window = readings.filter((r) => r.at > now - policy.errorWindowMs);
  const requests = sum(window, (r) => r.requests);
  const errorRate = requests >= policy.minRequests ? sum(window, (r) => r.errors) / requests : null;
  const authAttempts = sum(window, (r) => r.authAttempts);
  const authRate =
    authAttempts >= policy.minAuthAttempts ? sum(window, (r) => r.authFailures) / authAttempts : null;

  if (databaseFailures >= policy.maxDatabaseFailures) {
    return {
      action: "rollback",
      reason: `database connection failed ${databaseFailures} times in a row`,
      errorRate,
    };
  }
  if (healthFailures >= policy.maxHealthFailures) {
    return { action: "rollback", reason: `health check failed ${healthFailures} times in a row`, errorRate };
  }
  if (errorRate !== null && errorRate > policy.maxErrorRate) {
    const pct = (errorRate * 100).toFixed(1);
    return { action: "rollback", reason: `error rate ${pct}% over the last 2 minutes (limit 5%)`, errorRate };
  }
  if (probeFailures >= policy.maxAuthProbeFailures) {
    return {
      action: "rollback",
      reason: `authentication probe failed ${probeFailures} times in a row`,
      errorRate,
    };
  }
  if (authRate !== null && authRate > policy.maxAuthFailureRate) {
    return {
      action: "rollback",
      reason: `authentication failures at ${(authRate * 100).toFixed(0)}% of attempts`,
      errorRate,
    };
  }
  const elapsed = now - startedAt;
  if (elapsed < policy.observeMs) {
    const minutes = (ms: number) => Math.round(ms / 60_000);
    return {
      action: "hold",
      reason: `watching: ${minutes(elapsed)} of ${minutes(policy.observeMs)} min`,
      errorRate,
    };
  }
  if (readings.length === 0 || healthFailures > 0 || databaseFailures > 0) {
    return { action: "hold", reason: "the last readings are not healthy yet", errorRate };
  }
  return { action: "promote", reason: "healthy for the whole observation time", errorRate };
}
