/** The limiter Durable Object itself: state in SQLite, serialised hits, cleanup of idle keys. */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../../src/ratelimit/limiter-object";

function limiter(name: string): DurableObjectStub<RateLimiter> {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${name}:${crypto.randomUUID()}`));
}

describe("RateLimiter Durable Object", () => {
  it("keeps one GCRA row in its SQLite storage and schedules its own cleanup", async () => {
    const stub = limiter("sqlite");
    const decision = await stub.hit({ limit: 5, windowMs: 10_000 });
    expect(decision).toMatchObject({ allowed: true, limit: 5, remaining: 4 });
    await runInDurableObject(stub, async (_instance, state) => {
      const rows = state.storage.sql.exec<{ tat_ms: number }>("SELECT tat_ms FROM gcra").toArray();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.tat_ms).toBeGreaterThan(Date.now());
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
  });

  it("serialises concurrent hits on one key: exactly `limit` pass", async () => {
    const stub = limiter("concurrent");
    const decisions = await Promise.all(
      Array.from({ length: 25 }, () => stub.hit({ limit: 7, windowMs: 60_000 })),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
    expect(
      decisions
        .filter((d) => d.allowed)
        .map((d) => d.remaining)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("deletes an idle key's storage when its alarm fires, and works again afterwards", async () => {
    const stub = limiter("idle");
    await stub.hit({ limit: 1000, windowMs: 1000 });
    // One hit of a 1000/s limit is spent after 1 ms; the alarm (due 1 s later) has nothing to keep.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // It may have fired on its own already; if not, fire it now.
    await runDurableObjectAlarm(stub);
    await runInDurableObject(stub, async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'gcra'").toArray()).toEqual(
        [],
      );
      expect(await state.storage.getAlarm()).toBeNull();
    });
    expect(await stub.hit({ limit: 2, windowMs: 1000 })).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("keeps a key that is still inside its window and looks again later", async () => {
    const stub = limiter("busy");
    await stub.hit({ limit: 1, windowMs: 60_000 });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.hit({ limit: 1, windowMs: 60_000 })).toMatchObject({ allowed: false });
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.getAlarm()).toBeGreaterThan(Date.now());
    });
  });
});
