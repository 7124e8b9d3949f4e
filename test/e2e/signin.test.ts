/**
 * Sign-in in a real browser: accounts on (the UI's CSP, login, token refresh, user badge, sign
 * out revoking the session), the workspace switcher of a user with several workspaces, and open
 * guest mode. The sign-in pages and the switcher are audited with axe (serious or critical
 * violations fail).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "./a11y";
import {
  type Account,
  ADMIN,
  type E2EBrowser,
  e2eWorker,
  enterAsGuest,
  launchBrowser,
  openUi,
  screenshot,
  signIn,
  uniqueWorkspace,
} from "./harness";

/** Where the UI keeps its session (webui/src/api/session.ts). */
const SESSION_KEY = "lightrag-edge.session";

/** The UI's stored session (tokens, workspace). */
async function storedSession(page: Page): Promise<{ accessToken: string; refreshToken: string }> {
  return JSON.parse((await page.evaluate(`localStorage.getItem("${SESSION_KEY}")`)) as string);
}

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("sign-in (auth on)", () => {
  it("redirects / to the UI, refuses a wrong password, signs in and out", async () => {
    const worker = e2eWorker("auth");
    const page = await browser.newPage();
    const root = await page.goto(`${worker.base}/`);
    expect(root?.url()).toContain("/webui/");
    // The UI's own CSP (public/_headers): same-origin code and calls, blob: workers, nothing else.
    const csp = root?.headers()["content-security-policy"] ?? "";
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "worker-src blob:",
      "frame-ancestors 'none'",
    ])
      expect(csp, csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-|https?:|\*/);
    await page.getByLabel("Username").waitFor();
    await screenshot(page, "signin");
    await expectAccessible(page, "signin");
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password", { exact: true }).fill("wrong-password-123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    await expectAccessible(page, "signin-refused");
    await signIn(page, worker);
    expect(await page.getByTestId("signed-in-user").textContent()).toContain(ADMIN.username);

    // Token refresh: an access token the service refuses is renewed with the refresh token,
    // and the page loads as if nothing happened.
    await openUi(page, worker, "/documents");
    await page.getByText("Workspace default").waitFor();
    await page.evaluate(`(() => {
      const session = JSON.parse(localStorage.getItem("${SESSION_KEY}"));
      localStorage.setItem("${SESSION_KEY}", JSON.stringify({ ...session, accessToken: "expired.token.value" }));
    })()`);
    const refreshed = page.waitForResponse((res) => res.url().endsWith("/auth/refresh"));
    await page.reload();
    expect((await refreshed).status()).toBe(200);
    await page.locator('[data-testid="doc-row"]').or(page.getByText("No documents.")).first().waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
    const renewed = await storedSession(page);
    expect(renewed.accessToken).not.toBe("expired.token.value");

    // Sign out revokes the session server-side: its refresh token is refused afterwards.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Username").waitFor();
    expect(await page.evaluate(`localStorage.getItem("${SESSION_KEY}")`)).toBeNull();
    const reuse = await fetch(`${worker.base}/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: renewed.refreshToken }),
    });
    expect(reuse.status).toBe(401);
    await openUi(page, worker, "/documents");
    await page.getByLabel("Username").waitFor(); // signed out: the sign-in page again
    await page.close();
  });
});

/** Creates an account as ADMIN (the bootstrap token is spent once ADMIN exists). */
async function createUser(base: string, user: Account & { role: string; workspaces: string[] }) {
  const login = await fetch(`${base}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${base}/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(user),
  });
  if (!res.ok) throw new Error(`register ${user.username}: ${res.status} ${await res.text()}`);
}

describe("workspace switcher (auth on)", () => {
  it("lets a user with several workspaces switch, and the pages follow", async () => {
    const worker = e2eWorker("auth");
    const [first, second] = [uniqueWorkspace("e2e_ws_a"), uniqueWorkspace("e2e_ws_b")];
    const user = { username: uniqueWorkspace("e2e_multi"), password: "several-workspaces-pass-1" };
    await createUser(worker.base, { ...user, role: "user", workspaces: [first, second] });
    const page = await browser.newPage();
    await signIn(page, worker, user);
    await openUi(page, worker, "/documents");
    const switcher = page.getByRole("combobox", { name: "Workspace" });
    expect(await switcher.locator("option").allTextContents()).toEqual([first, second]);
    const shown = await switcher.inputValue();
    const other = shown === first ? second : first;
    await page.getByText(`Workspace ${shown}`).waitFor();
    await switcher.selectOption(other);
    await page.getByText(`Workspace ${other}`).waitFor();
    await expectAccessible(page, "documents-workspace-switcher");
    // The choice is the session's: it survives a reload, and the API calls carry it.
    const listed = page.waitForRequest(
      (request) =>
        request.url().endsWith("/documents/paginated") && request.headers()["lightrag-workspace"] === other,
    );
    await page.reload();
    await listed;
    expect(await page.getByRole("combobox", { name: "Workspace" }).inputValue()).toBe(other);
    await page.close();
  });
});

describe("guest mode (auth off)", () => {
  it("shows open mode clearly and enters as guest", async () => {
    const worker = e2eWorker("guest");
    const page = await browser.newPage();
    await openUi(page, worker);
    await page.getByText("Open mode.").waitFor();
    await screenshot(page, "signin-guest");
    await expectAccessible(page, "signin-guest");
    await enterAsGuest(page, worker);
    expect(await page.getByText("Guest mode: authentication disabled").isVisible()).toBe(true);
    await page.close();
  });
});
