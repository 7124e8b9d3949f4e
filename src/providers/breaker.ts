/**
 * A circuit breaker per provider: opens after `threshold` consecutive failures, refuses calls
 * for `cooldownMs`, then lets a single trial through (half-open); its outcome closes or
 * re-opens the circuit. State lives in the isolate, so each isolate learns on its own.
 */

export type CircuitState = "closed" | "open" | "half_open";

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: CircuitState = "closed";
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The state as a caller would see it now (an expired open circuit reads as half-open). */
  get state(): CircuitState {
    if (this.current === "open" && this.now() - this.openedAt >= this.cooldownMs) return "half_open";
    return this.current;
  }

  /** Whether a call may go ahead; in half-open only one trial call at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.trialInFlight) return false;
    this.current = "half_open";
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.current = "closed";
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.current === "half_open" || this.failures >= this.threshold) {
      this.current = "open";
      this.openedAt = this.now();
    }
  }

  /** A call that was allowed but ended without saying anything about the provider. */
  release(): void {
    this.trialInFlight = false;
  }
}
