/**
 * People type their password into the username field. A failed login with an unknown username
 * must keep that text out of the audit row and every console line (the row lives 365 days);
 * a known username is recorded as it is, so an administrator can still read the trail.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CANARY_SECRETS } from "../canaries";
import { call, json, makeUser, uniqueName } from "./helpers";

afterEach(() => vi.restoreAllMocks());

/**
 * Every console line written while `run` runs. The lines still reach vitest, so the suite-wide
 * scan (test/node/log-secrets.ts) checks them for the canaries too.
 */
async function consoleLines(run: () => Promise<void>): Promise<string[]> {
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
    vi.spyOn(console, method),
  );
  await run();
  const lines = spies.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(" ")));
  vi.restoreAllMocks();
  return lines;
}

async function auditRows(needle: string): Promise<Array<{ event_action: string; additional_data: string }>> {
  const { results } = await env.DB.prepare(
    "SELECT event_action, additional_data FROM audit_events WHERE request_id = ? ORDER BY timestamp",
  )
    .bind(needle)
    .all<{ event_action: string; additional_data: string }>();
  return results;
}

async function eventuallyRows(requestId: string) {
  const deadline = Date.now() + 5000;
  let rows = await auditRows(requestId);
  while (rows.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    rows = await auditRows(requestId);
  }
  return rows;
}

describe("login_failure audit of the username", () => {
  it("never records an unknown username that may be a password, in the row or any console line", async () => {
    const typedPassword = CANARY_SECRETS.passwordAsUsername;
    const requestId = uniqueName("req-unknown");
    const lines = await consoleLines(async () => {
      const res = await call(
        "/auth/login",
        json({ username: typedPassword, password: "whatever-they-typed" }, { "X-Request-ID": requestId }),
      );
      expect(res.status).toBe(401);
    });
    expect(lines.some((line) => line.includes("login_failure"))).toBe(true);
    for (const line of lines) expect(line.toLowerCase()).not.toContain(typedPassword);

    const rows = await eventuallyRows(requestId);
    const failure = rows.find((row) => row.event_action === "login_failure");
    expect(failure).toBeDefined();
    expect(JSON.stringify(rows).toLowerCase()).not.toContain(typedPassword);
    const data = JSON.parse(failure?.additional_data ?? "{}") as Record<string, unknown>;
    expect(data.username).toBeUndefined();
    // A keyed hash still lets an investigator see that the same text was tried again.
    expect(data.username_hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gives the same unknown username the same keyed hash, and a different one another", async () => {
    const hashOf = async (username: string) => {
      const requestId = uniqueName("req-hash");
      await call("/auth/login", json({ username, password: "x-wrong" }, { "X-Request-ID": requestId }));
      const rows = await eventuallyRows(requestId);
      const data = JSON.parse(rows[0]?.additional_data ?? "{}") as { username_hash?: string };
      return data.username_hash;
    };
    const name = uniqueName("nobody");
    const first = await hashOf(name);
    expect(first).toBeDefined();
    expect(await hashOf(name)).toBe(first);
    expect(await hashOf(`${name}x`)).not.toBe(first);
  });

  it("records a known username as it is", async () => {
    const user = await makeUser("viewer");
    const requestId = uniqueName("req-known");
    await call(
      "/auth/login",
      json({ username: user.username, password: "wrong-password-here" }, { "X-Request-ID": requestId }),
    );
    const rows = await eventuallyRows(requestId);
    const data = JSON.parse(rows[0]?.additional_data ?? "{}") as Record<string, unknown>;
    expect(rows[0]?.event_action).toBe("login_failure");
    expect(data.username).toBe(user.username);
    expect(data.username_hash).toBeUndefined();
  });
});
