/** Sign-in in a real browser: accounts on (login, user badge, sign out) and open guest mode. */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../scripts/lib/dev-server";
import {
  ADMIN,
  type E2EBrowser,
  enterAsGuest,
  launchBrowser,
  openUi,
  screenshot,
  signIn,
  startE2EWorker,
} from "./harness";

describe("sign-in (auth on)", () => {
  let worker: LocalWorker;
  let browser: E2EBrowser;
  beforeAll(async () => {
    [worker, browser] = await Promise.all([startE2EWorker({ auth: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    worker?.stop();
  });

  it("redirects / to the UI, refuses a wrong password, signs in and out", async () => {
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
  });
});

describe("guest mode (auth off)", () => {
  let worker: LocalWorker;
  let browser: E2EBrowser;
  beforeAll(async () => {
    [worker, browser] = await Promise.all([startE2EWorker(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    worker?.stop();
  });

  it("shows open mode clearly and enters as guest", async () => {
    const page = await browser.newPage();
    await openUi(page, worker);
    await page.getByText("Open mode.").waitFor();
    await screenshot(page, "signin-guest");
    await enterAsGuest(page, worker);
    expect(await page.getByText("Guest mode: authentication disabled").isVisible()).toBe(true);
  });
});
