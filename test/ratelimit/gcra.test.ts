/** GCRA arithmetic: bursts up to the limit, even refill, exact retry-after and reset. */
import { describe, expect, it } from "vitest";
import { gcra } from "../../src/ratelimit/gcra";

const rule = { limit: 10, windowMs: 60_000 };

function run(count: number, now: number, start: number | null = null) {
  let tat = start;
  const decisions = [];
  for (let i = 0; i < count; i++) {
    const result = gcra(tat, now, rule);
    if (result.tat !== null) tat = result.tat;
    decisions.push(result.decision);
  }
  return { decisions, tat };
}

describe("gcra", () => {
  it("lets a burst of `limit` through, counting down `remaining`, then refuses", () => {
    const { decisions } = run(11, 1_000_000);
    expect(decisions.map((d) => d.allowed)).toEqual([...Array(10).fill(true), false]);
    expect(decisions.map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]);
    expect(decisions[0]).toMatchObject({ resetMs: 6000, retryAfterMs: 0 });
    expect(decisions[9]).toMatchObject({ resetMs: 60_000 });
    expect(decisions[10]).toMatchObject({ allowed: false, retryAfterMs: 6000, resetMs: 60_000 });
  });

  it("refills one request per window/limit, and the whole quota after a window", () => {
    const { tat } = run(10, 0);
    expect(gcra(tat, 5999, rule).decision.allowed).toBe(false);
    expect(gcra(tat, 6000, rule).decision).toMatchObject({ allowed: true, remaining: 0 });
    expect(run(11, 60_000, tat).decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  it("keeps exact counts when window/limit is not a whole number of milliseconds", () => {
    let tat: number | null = null;
    const allowed = [];
    for (let i = 0; i < 4; i++) {
      const result = gcra(tat, 0, { limit: 3, windowMs: 1000 });
      if (result.tat !== null) tat = result.tat;
      allowed.push(result.decision.allowed);
    }
    expect(allowed).toEqual([true, true, true, false]);
  });

  it("refuses without changing state", () => {
    const { tat } = run(10, 0);
    expect(gcra(tat, 0, rule).tat).toBeNull();
  });
});
