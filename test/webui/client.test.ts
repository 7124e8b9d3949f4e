/**
 * The UI's API client (webui/src/api/client.ts) with a scripted `fetch`: a user's token is
 * refreshed ahead of its expiry and after a 401 (then the request is sent again, once), a refused
 * refresh signs out, and a renewed token in `X-New-Token` replaces the old one. The browser test
 * (test/e2e/signin.test.ts) covers the 401 path against the real service.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { rawFetch } from "../../webui/src/api/client";
import { type Session, session, setSession } from "../../webui/src/api/session";

const USER: Session = {
  kind: "user",
  accessToken: "old-access",
  refreshToken: "old-refresh",
  expiresAt: Date.now() + 3_600_000,
  username: "ada",
  role: "user",
  workspace: "w1",
  workspaces: ["w1"],
};

const tokenAnswer = {
  access_token: "new-access",
  expires_in: 900,
  refresh_token: "new-refresh",
  workspace: "w1",
  user: { username: "ada", role: "user", workspaces: ["w1"] },
};

/** Answers `fetch` calls in order and records them (path, Authorization, body). */
function script(...answers: Array<() => Response>) {
  const calls: Array<{ path: string; auth: string | null; body: string | null }> = [];
  vi.stubGlobal("fetch", async (path: string, init: RequestInit = {}) => {
    calls.push({
      path,
      auth: new Headers(init.headers).get("Authorization"),
      body: typeof init.body === "string" ? init.body : null,
    });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected fetch ${path}`);
    return answer();
  });
  return calls;
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json", ...headers },
    });

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("rawFetch", () => {
  it("refreshes a token about to expire before sending the request", async () => {
    setSession({ ...USER, expiresAt: Date.now() + 10_000 });
    const calls = script(json(tokenAnswer), json({ ok: true }));
    expect((await rawFetch("/documents")).status).toBe(200);
    expect(calls.map((c) => c.path)).toEqual(["/auth/refresh", "/documents"]);
    expect(JSON.parse(calls[0]?.body ?? "{}")).toEqual({ refresh_token: "old-refresh" });
    expect(calls[1]?.auth).toBe("Bearer new-access");
    expect(session.value).toMatchObject({
      accessToken: "new-access",
      refreshToken: "new-refresh",
      workspace: "w1",
    });
  });

  it("refreshes after a 401 and sends the request again, once", async () => {
    setSession(USER);
    const calls = script(json({}, 401), json(tokenAnswer), json({ ok: true }));
    expect((await rawFetch("/documents")).status).toBe(200);
    expect(calls.map((c) => [c.path, c.auth])).toEqual([
      ["/documents", "Bearer old-access"],
      ["/auth/refresh", null],
      ["/documents", "Bearer new-access"],
    ]);
  });

  it("signs out when the refresh is refused", async () => {
    setSession(USER);
    script(json({}, 401), json({ error: { message: "revoked" } }, 401));
    expect((await rawFetch("/documents")).status).toBe(401);
    expect(session.value).toBeNull();
  });

  it("takes a renewed token from X-New-Token", async () => {
    setSession(USER);
    script(json({ ok: true }, 200, { "X-New-Token": "renewed-access" }));
    await rawFetch("/documents");
    expect(session.value?.accessToken).toBe("renewed-access");
  });
});
