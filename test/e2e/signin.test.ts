/** Sign-in in a real browser: accounts on (login, user badge, sign out) and open guest mode. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  type E2EBrowser,
  e2eWorker,
  enterAsGuest,
  launchBrowser,
  openUi,
  screenshot,
  signIn,
} from "./harness";

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
    await page.getByLabel("Username").waitFor();
    await screenshot(page, "signin");
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password", { exact: true }).fill("wrong-password-123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    await signIn(page, worker);
    expect(await page.getByTestId("signed-in-user").textContent()).toContain(ADMIN.username);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Username").waitFor();
    await openUi(page, worker, "/documents");
    await page.getByLabel("Username").waitFor(); // signed out: the sign-in page again
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
    await enterAsGuest(page, worker);
    expect(await page.getByText("Guest mode: authentication disabled").isVisible()).toBe(true);
    await page.close();
  });
});
