/** The lockout rules of `src/auth/lockout-state.ts` on their own, with an explicit clock. */
import { describe, expect, it } from "vitest";
import {
  begin,
  emptyState,
  fail,
  type LockoutLimits,
  MAX_DEVICES_PER_ACCOUNT,
  normalizeState,
  statusOf,
  succeed,
  unlocked,
} from "../../src/auth/lockout-state";

const limits: LockoutLimits = { maxPerClient: 5, maxPerAccount: 20, windowMs: 300_000, durationMs: 900_000 };
const YEAR = 365 * 24 * 3600 * 1000;
const t0 = 1_000_000_000_000;

/** A state where `device` is known, as after a successful login from it. */
function withDevice(device: string) {
  const state = emptyState();
  const attempt = begin(state, { prefix: "p" }, limits, t0);
  if (!attempt.ticket) throw new Error("unexpectedly locked");
  succeed(state, attempt.ticket, { hash: device, expiresAt: t0 + YEAR }, limits.windowMs, t0);
  return state;
}

describe("lockout rules", () => {
  it("refuses attempts in flight beyond the budget, before any of them has failed", () => {
    const state = emptyState();
    const allowed = Array.from({ length: 8 }, (_, i) => begin(state, { prefix: `p${i}` }, limits, t0 + i));
    // Five per prefix are not reached; the account's twenty are: one prefix, many in flight.
    const burst = Array.from({ length: 25 }, (_, i) =>
      begin(state, { prefix: `q${i}` }, limits, t0 + 10 + i),
    );
    const granted = [...allowed, ...burst].filter((attempt) => attempt.ticket).length;
    expect(granted).toBe(limits.maxPerAccount);
    expect(begin(state, { prefix: "fresh" }, limits, t0 + 50).status).toMatchObject({
      locked: true,
      scope: "account",
    });
  });

  it("refunds a right password, so the owner's logins never spend the budget", () => {
    const state = emptyState();
    for (let i = 0; i < 30; i++) {
      const attempt = begin(state, { prefix: "home" }, limits, t0 + i);
      expect(attempt.ticket).toBeDefined();
      if (attempt.ticket) succeed(state, attempt.ticket, undefined, limits.windowMs, t0 + i);
    }
    expect(state.untrusted).toEqual([]);
  });

  it("rotates the device cookie: the presented one is forgotten, the new one known", () => {
    const state = withDevice("old");
    const attempt = begin(state, { prefix: "p", device: "old" }, limits, t0 + 1);
    expect(attempt.ticket?.device).toBe("old");
    if (attempt.ticket)
      succeed(state, attempt.ticket, { hash: "new", expiresAt: t0 + YEAR }, limits.windowMs, t0 + 1);
    expect(Object.keys(state.devices)).toEqual(["new"]);
    // The old value is now an unknown client, charged to its prefix.
    expect(begin(state, { prefix: "p", device: "old" }, limits, t0 + 2).ticket?.device).toBeUndefined();
  });

  it("treats an expired device as unknown", () => {
    const state = withDevice("dev");
    expect(
      begin(state, { prefix: "p", device: "dev" }, limits, t0 + YEAR + 1).ticket?.device,
    ).toBeUndefined();
  });

  it("locks a device after its own budget; the prefix and the account stay open", () => {
    const state = withDevice("dev");
    for (let i = 0; i < limits.maxPerClient; i++) {
      const attempt = begin(state, { prefix: `x${i}`, device: "dev" }, limits, t0 + 10 + i);
      if (attempt.ticket) fail(state, attempt.ticket, limits, t0 + 10 + i);
    }
    expect(statusOf(state, { prefix: "x9", device: "dev" }, limits, t0 + 100)).toMatchObject({
      locked: true,
      scope: "device",
    });
    expect(statusOf(state, { prefix: "x0" }, limits, t0 + 100).locked).toBe(false);
    expect(state.untrusted).toEqual([]);
  });

  it("unlock clears failures and locks, and keeps the known devices", () => {
    const state = withDevice("dev");
    for (let i = 0; i < limits.maxPerAccount; i++) {
      const attempt = begin(state, { prefix: `y${i}` }, limits, t0 + 10 + i);
      if (attempt.ticket) fail(state, attempt.ticket, limits, t0 + 10 + i);
    }
    expect(statusOf(state, { prefix: "z" }, limits, t0 + 100).locked).toBe(true);
    const after = unlocked(state);
    expect(statusOf(after, { prefix: "z" }, limits, t0 + 100).locked).toBe(false);
    expect(Object.keys(after.devices)).toEqual(["dev"]);
  });

  it(`remembers at most ${MAX_DEVICES_PER_ACCOUNT} devices, the least recently used go first`, () => {
    const state = emptyState();
    for (let i = 0; i < MAX_DEVICES_PER_ACCOUNT + 3; i++) {
      const attempt = begin(state, { prefix: "p" }, limits, t0 + i);
      if (attempt.ticket)
        succeed(state, attempt.ticket, { hash: `d${i}`, expiresAt: t0 + YEAR }, limits.windowMs, t0 + i);
    }
    expect(Object.keys(state.devices)).toHaveLength(MAX_DEVICES_PER_ACCOUNT);
    expect(state.devices.d0).toBeUndefined();
    expect(state.devices[`d${MAX_DEVICES_PER_ACCOUNT + 2}`]).toBeDefined();
  });

  it("reads the state stored before device cookies (per raw address) and keeps its account lock", () => {
    const old = {
      accountFailures: [t0],
      accountLockedUntil: t0 + limits.durationMs,
      addresses: { "198.51.100.7": { failures: [t0], lockedUntil: 0 } },
      forgetAt: t0 + limits.durationMs + 1000,
    };
    const state = normalizeState(old);
    expect(statusOf(state, { prefix: "192.0.2.1" }, limits, t0 + 10)).toMatchObject({
      locked: true,
      scope: "account",
    });
    expect(state.prefixes["198.51.100.7"]?.failures).toEqual([t0]);
  });
  it("counts clients and devices named like Object.prototype's keys as any other (__proto__, constructor)", () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      // Stored state comes back through structured clone as plain objects; start from that shape.
      const state = normalizeState(structuredClone(emptyState()));
      for (let i = 0; i < limits.maxPerClient; i++) {
        const attempt = begin(state, { prefix: name, device: name }, limits, t0 + i);
        expect(attempt.ticket, name).toBeDefined();
        if (attempt.ticket) fail(state, attempt.ticket, limits, t0 + i);
      }
      expect(begin(state, { prefix: name }, limits, t0 + 10).status, name).toMatchObject({
        locked: true,
        scope: "address",
      });
      expect(statusOf(state, { prefix: "other" }, limits, t0 + 10).locked, name).toBe(false);
      const again = normalizeState(structuredClone(state));
      expect(Object.getPrototypeOf(again.prefixes), name).toBeNull();
      expect(Object.keys(again.prefixes), name).toEqual([name]);
      expect(statusOf(again, { prefix: name }, limits, t0 + 10).locked, name).toBe(true);
    }
  });
});
