import { describe, expect, it } from "vitest";
import { type CanaryReading, DEFAULT_POLICY, decide } from "../../scripts/ops/canary-decision";

const T0 = 1_800_000_000_000;
const MIN = 60_000;

/** Healthy readings every 30 s from T0 for `minutes`, with `requests` per reading. */
function healthy(minutes: number, requests = 50): CanaryReading[] {
  return Array.from({ length: minutes * 2 }, (_, i) => ({
    at: T0 + (i + 1) * 30_000,
    ready: true,
    database: true,
    requests,
    errors: 0,
    authAttempts: 4,
    authFailures: 0,
  }));
}

function last(readings: CanaryReading[]): number {
  return readings.at(-1)?.at ?? T0;
}

describe("canary decision", () => {
  it("holds while watching and promotes after the observation time when healthy", () => {
    const early = healthy(3);
    expect(decide(early, DEFAULT_POLICY, T0, last(early))).toMatchObject({ action: "hold", errorRate: 0 });
    const all = healthy(10);
    expect(decide(all, DEFAULT_POLICY, T0, last(all))).toMatchObject({ action: "promote" });
  });

  it("rolls back when the error rate exceeds 5% over 2 minutes", () => {
    const readings = healthy(4);
    // Last 2 minutes: 4 readings × 50 requests, 11 errors = 5.5%.
    for (const r of readings.slice(-4)) r.errors = 0;
    const [a, b, c] = readings.slice(-3);
    if (!a || !b || !c) throw new Error("fixture");
    a.errors = 4;
    b.errors = 4;
    c.errors = 3;
    const decision = decide(readings, DEFAULT_POLICY, T0, last(readings));
    expect(decision.action).toBe("rollback");
    expect(decision.reason).toMatch(/error rate 5\.5%/);
  });

  it("tolerates exactly 5% and ignores errors older than the window", () => {
    const readings = healthy(6);
    const window = readings.slice(-4);
    for (const r of window) r.errors = 2.5; // 10 of 200 = 5%
    expect(decide(readings, DEFAULT_POLICY, T0, last(readings)).action).toBe("hold");
    const old = healthy(6);
    const first = old[0];
    if (first) first.errors = 50;
    expect(decide(old, DEFAULT_POLICY, T0, last(old)).action).toBe("hold");
  });

  it("does not judge an error rate on too few requests", () => {
    const readings = healthy(2, 2);
    const end = readings.at(-1);
    if (end) end.errors = 2;
    expect(decide(readings, DEFAULT_POLICY, T0, last(readings))).toMatchObject({
      action: "hold",
      errorRate: null,
    });
  });

  it("rolls back after consecutive health check failures, not after one", () => {
    const readings = healthy(2);
    const tail = readings.slice(-3);
    for (const r of tail.slice(1)) r.ready = false;
    expect(decide(readings, DEFAULT_POLICY, T0, last(readings)).action).toBe("hold");
    const first = tail[0];
    if (first) first.ready = false;
    expect(decide(readings, DEFAULT_POLICY, T0, last(readings))).toMatchObject({
      action: "rollback",
      reason: "health check failed 3 times in a row",
    });
  });

  it("rolls back on database connection failures", () => {
    const readings = healthy(2);
    for (const r of readings.slice(-2)) {
      r.database = false;
      r.ready = false;
    }
    expect(decide(readings, DEFAULT_POLICY, T0, last(readings)).reason).toMatch(
      /database connection failed 2 times/,
    );
  });

  it("rolls back on authentication system failures (failure share or synthetic probe)", () => {
    const readings = healthy(2);
    for (const r of readings.slice(-4)) {
      r.authAttempts = 5;
      r.authFailures = 4;
    }
    expect(decide(readings, DEFAULT_POLICY, T0, last(readings)).reason).toMatch(
      /authentication failures at 80%/,
    );
    const probe = healthy(2);
    for (const r of probe.slice(-2)) r.authProbeFailed = true;
    expect(decide(probe, DEFAULT_POLICY, T0, last(probe)).reason).toMatch(
      /authentication probe failed 2 times/,
    );
  });

  it("does not promote while the last reading is unhealthy, even after the observation time", () => {
    const readings = healthy(10);
    const end = readings.at(-1);
    if (end) end.ready = false;
    expect(decide(readings, DEFAULT_POLICY, T0, last(readings)).action).toBe("hold");
    expect(decide([], DEFAULT_POLICY, T0, T0 + 11 * MIN).action).toBe("hold");
  });
});

describe("canary metrics reading", () => {
  it("sums requests, 5xx, auth attempts and failures from Prometheus text", async () => {
    const { canaryTotals, parsePrometheus } = await import("../../scripts/ops/prometheus");
    const text = [
      "# HELP lightrag_requests_total HTTP requests",
      "# TYPE lightrag_requests_total counter",
      'lightrag_requests_total{method="GET",route="/health/live",status="200"} 90',
      'lightrag_requests_total{method="POST",route="/query",status="503"} 6',
      'lightrag_requests_total{method="POST",route="/login",status="401"} 3',
      'lightrag_requests_total{method="POST",route="/auth/login",status="500"} 1',
      'lightrag_auth_failures_total{reason="bad_password"} 3',
      'lightrag_request_duration_seconds_bucket{le="+Inf",route="/query"} 6',
    ].join("\n");
    expect(canaryTotals(parsePrometheus(text))).toEqual({
      requests: 100,
      errors: 7,
      authAttempts: 4,
      authFailures: 3,
    });
  });
});
