import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LockoutLimits } from "../../src/auth/login-guard";
import { call, json, login, makeUser, PASSWORD, session, uniqueName } from "./helpers";

const limits: LockoutLimits = { maxPerClient: 5, maxPerAccount: 20, windowMs: 300_000, durationMs: 900_000 };
const a = { prefix: "a" };

function guard(name: string) {
  return env.LOGIN_GUARD.get(env.LOGIN_GUARD.idFromName(`login:${name}`));
}

async function attempt(username: string, password: string, ip = "198.51.100.7"): Promise<Response> {
  return call("/auth/login", json({ username, password }, { "CF-Connecting-IP": ip }));
}

describe("login lockout", () => {
  it("answers 429 with Retry-After after 5 failures, even to the right password, until an admin unlocks", async () => {
    const user = await makeUser("viewer");
    for (let i = 0; i < 5; i++)
      expect((await attempt(user.username, "wrong-password-guess")).status).toBe(401);
    const locked = await attempt(user.username, PASSWORD);
    expect(locked.status).toBe(429);
    const retry = Number(locked.headers.get("Retry-After"));
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    // Another address is not locked out by this one's failures.
    expect((await attempt(user.username, PASSWORD, "203.0.113.9")).status).toBe(200);

    const { headers: admin } = await session("admin");
    const unlock = await call(`/admin/users/${user.id}/unlock`, { method: "POST", headers: admin });
    expect(unlock.status).toBe(200);
    expect((await attempt(user.username, PASSWORD)).status).toBe(200);
  }, 30_000);

  it("locks unknown usernames the same way, so lockout does not reveal accounts", async () => {
    const ghost = uniqueName("ghost");
    for (let i = 0; i < 5; i++) expect((await attempt(ghost, "wrong-password-guess")).status).toBe(401);
    expect((await attempt(ghost, "wrong-password-guess")).status).toBe(429);
  }, 30_000);

  it("expires: failures leave the window and locks end by themselves", async () => {
    const name = uniqueName("expiry");
    const stub = guard(name);
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) await stub.failure(a, limits, t0 + i);
    // The fifth failure comes after the first four left the window: no lock.
    expect(await stub.failure(a, limits, t0 + limits.windowMs + 10)).toMatchObject({ locked: false });
    for (let i = 0; i < 4; i++) await stub.failure(a, limits, t0 + limits.windowMs + 20 + i);
    const locked = await stub.status(a, limits, t0 + limits.windowMs + 30);
    expect(locked).toMatchObject({ locked: true, scope: "address" });
    const end = t0 + limits.windowMs + 23 + limits.durationMs;
    expect((await stub.status(a, limits, end - 1000)).locked).toBe(true);
    expect(await stub.status(a, limits, end + 1)).toEqual({ locked: false, retryAfterSeconds: 0 });
  });

  it("locks the whole account after many failures from many addresses", async () => {
    const stub = guard(uniqueName("spray"));
    const now = Date.now();
    for (let i = 0; i < 20; i++) await stub.failure({ prefix: `10.0.0.${i}` }, limits, now + i);
    expect(await stub.status({ prefix: "192.0.2.1" }, limits, now + 30)).toMatchObject({
      locked: true,
      scope: "account",
    });
    await stub.unlock();
    expect((await stub.status({ prefix: "192.0.2.1" }, limits, now + 30)).locked).toBe(false);
  });

  it("a good password forgives the address's earlier failures", async () => {
    const user = await makeUser("viewer");
    for (let i = 0; i < 4; i++) await attempt(user.username, "wrong-password-guess");
    expect((await attempt(user.username, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await attempt(user.username, "wrong-password-guess")).status).toBe(401);
    expect((await login(user)).access_token).toBeTruthy();
  }, 30_000);

  it("forgets everything once the alarm finds nothing left to remember", async () => {
    // Deterministic under any load: a failure "now" keeps the alarm a minute away, then the
    // stored forget time is moved into the past, as if that minute had gone by.
    const stub = guard(uniqueName("alarm"));
    await stub.failure(a, { ...limits, windowMs: 60_000, durationMs: 60_000 }, Date.now());
    await runInDurableObject(stub, async (instance, state) => {
      const alarm = (instance as unknown as { alarm(): Promise<void> }).alarm.bind(instance);
      const stored = await state.storage.get<{ forgetAt: number }>("state");
      expect(stored?.forgetAt).toBeGreaterThan(Date.now());
      expect(await state.storage.getAlarm()).toBe(stored?.forgetAt);
      await alarm();
      expect(await state.storage.get("state")).toBeDefined();
      await state.storage.put("state", { ...stored, forgetAt: Date.now() - 1 });
      await alarm();
      expect(await state.storage.get("state")).toBeUndefined();
    });
  });
});
