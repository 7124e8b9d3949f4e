/**
 * Lockout must not become a way to lock someone out (OWASP, "prevent lockout abuse"): failures
 * count per address prefix (IPv6 /64), and a client that logged in before carries a device
 * cookie that failures from other clients cannot lock. The attacker's guess rate stays bounded.
 * Defaults of the test project: 5 failures per client, 20 per account, 300 s window, 900 s lock.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, json, makeUser, PASSWORD, type TestUser } from "./helpers";

const DEVICE_COOKIE = "lightrag_device";
const PER_CLIENT = 5;
const PER_ACCOUNT = 20;

type Route = "/auth/login" | "/login";

/** One login through `route` from `ip`, with the device cookie when given. */
async function attempt(
  route: Route,
  username: string,
  password: string,
  ip: string,
  device?: string,
): Promise<Response> {
  const headers: Record<string, string> = { "CF-Connecting-IP": ip };
  if (device) headers.Cookie = `${DEVICE_COOKIE}=${device}`;
  if (route === "/auth/login") return call(route, json({ username, password }, headers));
  const body = new URLSearchParams({ username, password, grant_type: "password" });
  return call(route, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
}

/** The device cookie a successful login handed out (the same value on every login path). */
function deviceCookie(res: Response): string {
  const values = res.headers
    .getAll("Set-Cookie")
    .filter((line) => line.startsWith(`${DEVICE_COOKIE}=`))
    .map((line) => line.slice(DEVICE_COOKIE.length + 1).split(";")[0] ?? "");
  expect(values.length).toBeGreaterThan(0);
  expect(new Set(values).size).toBe(1);
  return values[0] ?? "";
}

/** The owner logs in once from home and keeps the device cookie. */
async function ownerDevice(route: Route, user: TestUser): Promise<string> {
  const res = await attempt(route, user.username, PASSWORD, "198.51.100.20");
  expect(res.status).toBe(200);
  return deviceCookie(res);
}

describe.each(["/auth/login", "/login"] as const)("lockout abuse through %s", (route) => {
  it("an attacker rotating addresses in one /64 and across prefixes cannot lock out the owner's known client", async () => {
    const owner = await makeUser("viewer");
    const device = await ownerDevice(route, owner);
    // Four addresses of one /64, then one address in each of many other prefixes.
    const sameSlash64 = [1, 2, 3, 4].map((n) => `2001:db8:aa:bb::${n}`);
    const otherPrefixes = Array.from({ length: 8 }, (_, n) => `2001:db8:cc:${n.toString(16)}::1`);
    const guesses = new Map<string, number>();
    for (const ip of [...sameSlash64, ...otherPrefixes]) {
      for (let i = 0; i < PER_CLIENT; i++) {
        const res = await attempt(route, owner.username, `guess-${ip}-${i}`, ip);
        expect([401, 429]).toContain(res.status);
        if (res.status === 401) guesses.set(ip, (guesses.get(ip) ?? 0) + 1);
      }
    }
    const count = (ips: string[]) => ips.reduce((sum, ip) => sum + (guesses.get(ip) ?? 0), 0);
    // The /64 is one client: five guesses in all, not five per address.
    expect(count(sameSlash64)).toBe(PER_CLIENT);
    // All unknown clients together get the account's budget, and no more.
    expect(count([...sameSlash64, ...otherPrefixes])).toBe(PER_ACCOUNT);

    // Unknown clients are locked, as documented, even with the right password…
    expect((await attempt(route, owner.username, PASSWORD, "192.0.2.77")).status).toBe(429);
    // …but the owner's known client logs in from anywhere, even from the attacker's /64.
    const fromCafe = await attempt(route, owner.username, PASSWORD, "192.0.2.78", device);
    expect(fromCafe.status).toBe(200);
    const rotated = deviceCookie(fromCafe);
    expect(rotated).not.toBe(device);
    expect((await attempt(route, owner.username, PASSWORD, "2001:db8:aa:bb::99", rotated)).status).toBe(200);
  }, 120_000);

  it("counts failures per /64: another address of the prefix is locked, the next prefix is not", async () => {
    const user = await makeUser("viewer");
    for (let n = 1; n <= PER_CLIENT; n++) {
      expect((await attempt(route, user.username, "wrong-password-guess", `2001:db8:1:2::${n}`)).status).toBe(
        401,
      );
    }
    expect((await attempt(route, user.username, PASSWORD, "2001:db8:1:2:ffff::1")).status).toBe(429);
    expect((await attempt(route, user.username, PASSWORD, "2001:db8:1:3::1")).status).toBe(200);
  }, 30_000);

  it("gives a device cookie its own small budget, so a stolen one cannot guess fast", async () => {
    const owner = await makeUser("viewer");
    const device = await ownerDevice(route, owner);
    const statuses: number[] = [];
    for (let i = 0; i < PER_CLIENT + 3; i++) {
      // A thief with the cookie, rotating prefixes: the cookie's budget applies wherever it is used.
      statuses.push(
        (await attempt(route, owner.username, `stolen-${i}`, `203.0.113.${i + 1}`, device)).status,
      );
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(PER_CLIENT);
    expect(statuses.slice(PER_CLIENT)).toEqual([429, 429, 429]);
    // The cookie is locked, not the account: an unknown client still logs in.
    expect((await attempt(route, owner.username, PASSWORD, "203.0.113.200", device)).status).toBe(429);
    expect((await attempt(route, owner.username, PASSWORD, "203.0.113.201")).status).toBe(200);
  }, 30_000);
});

describe("lockout under concurrent guesses", () => {
  it("never lets more guesses through than the account budget, however many run at once", async () => {
    const user = await makeUser("viewer");
    const ips = Array.from({ length: PER_ACCOUNT + 10 }, (_, n) => `2001:db8:dd:${n.toString(16)}::1`);
    const results = await Promise.all(
      ips.map((ip, n) => attempt("/auth/login", user.username, `burst-${n}`, ip)),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(PER_ACCOUNT);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  }, 120_000);
});

describe("device cookie attributes", () => {
  it("is HttpOnly, Secure, SameSite=Strict, limited to the login paths and long-lived", async () => {
    const user = await makeUser("viewer");
    const res = await fetchHttps("/auth/login", user);
    expect(res.status).toBe(200);
    const lines = res.headers.getAll("Set-Cookie").filter((line) => line.startsWith(`${DEVICE_COOKIE}=`));
    expect(lines.map((line) => /Path=([^;]+)/.exec(line)?.[1]).sort()).toEqual(["/auth/login", "/login"]);
    for (const line of lines) {
      expect(line).toContain("HttpOnly");
      expect(line).toContain("Secure");
      expect(line).toContain("SameSite=Strict");
      expect(Number(/Max-Age=(\d+)/.exec(line)?.[1])).toBe(365 * 24 * 60 * 60);
      expect(line).not.toMatch(/Domain=/i);
    }
  });

  it("drops Secure only for plain http in development, where a browser would refuse it", async () => {
    const user = await makeUser("viewer");
    const res = await attempt("/auth/login", user.username, PASSWORD, "198.51.100.21");
    const lines = res.headers.getAll("Set-Cookie").filter((line) => line.startsWith(`${DEVICE_COOKIE}=`));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain("Secure");
  });
});

async function fetchHttps(route: Route, user: TestUser): Promise<Response> {
  return SELF.fetch(`${BASE.replace("http:", "https:")}${route}`, {
    ...json({ username: user.username, password: PASSWORD }, { "CF-Connecting-IP": "198.51.100.22" }),
  });
}
