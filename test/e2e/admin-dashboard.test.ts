/**
 * The admin page and the analytics dashboard in a real browser on the auth-on Worker: create an
 * API key (shown once, and it works), flip read-only mode and see an upload refused, then open
 * the dashboard and see non-zero charts from the traffic so far. Screenshots go to
 * test-artifacts/. Both pages are audited with axe (serious or critical violations fail).
 * Read-only mode is switched off again whatever happens (the Worker is shared).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "./a11y";
import { ADMIN, type E2EBrowser, e2eWorker, launchBrowser, openUi, screenshot, signIn } from "./harness";

const worker = e2eWorker("auth");

/** An administrator's access token, straight from the API (for clean-up outside the browser). */
async function adminToken(): Promise<string> {
  const res = await fetch(`${worker.base}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function setReadOnly(value: boolean | null): Promise<void> {
  const res = await fetch(`${worker.base}/admin/flags`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await adminToken()}` },
    body: JSON.stringify({ READ_ONLY_MODE: value }),
  });
  if (!res.ok) throw new Error(`flags: ${res.status} ${await res.text()}`);
}

describe("admin page and analytics dashboard (auth on)", () => {
  let browser: E2EBrowser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    await signIn(page, worker);
  });
  afterAll(async () => {
    await setReadOnly(null).catch(() => undefined);
    await browser?.close();
  });

  it("creates an API key that is shown once and works", async () => {
    await openUi(page, worker, "/admin");
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await page.getByLabel("Key name").fill("e2e-dashboard-key");
    await page.getByRole("button", { name: "Create API key" }).click();
    const shown = page.getByTestId("new-api-key");
    await shown.waitFor();
    const key = (await shown.locator(".secret").textContent())?.trim() ?? "";
    expect(key).toMatch(/^lrk_/);
    const me = await fetch(`${worker.base}/auth/me`, { headers: { "X-API-Key": key } });
    expect(me.status).toBe(200);
    await page
      .getByRole("cell", { name: "e2e-dashboard-key" })
      .or(page.getByRole("rowheader", { name: "e2e-dashboard-key" }))
      .first()
      .waitFor();
    await screenshot(page, "admin-api-key-created");
    await expectAccessible(page, "admin");
    await page.getByRole("button", { name: "Done" }).click();
    expect(await page.getByTestId("new-api-key").count()).toBe(0);
    // The key is not shown again: not on the page, and the list has only its prefix.
    expect(await page.content()).not.toContain(key);
    await screenshot(page, "admin");
  });

  it("flips read-only mode, and an upload is refused until it is off again", async () => {
    await openUi(page, worker, "/admin");
    const flag = page.getByLabel("READ_ONLY_MODE");
    await flag.waitFor();
    await flag.check();
    await page.getByText("Read-only mode is on").waitFor();
    await openUi(page, worker, "/documents");
    await page.getByLabel("Choose files").setInputFiles([
      {
        name: "refused.md",
        mimeType: "text/markdown",
        buffer: Buffer.from("# Refused\n\nRead-only mode refuses this upload.\n"),
      },
    ]);
    const item = page.locator('[data-testid="upload-item"]', { hasText: "refused.md" });
    await item.getByText(/failed/).waitFor();
    expect(await item.textContent()).toMatch(/read-only/i);
    await screenshot(page, "documents-read-only");
    await openUi(page, worker, "/admin");
    await page.getByLabel("READ_ONLY_MODE").uncheck();
    await page.getByText("READ_ONLY_MODE changed").waitFor();
    // The flags reload after the change; the notice goes with it.
    await page.getByText("Read-only mode is on").waitFor({ state: "detached" });
    expect(await page.getByLabel("READ_ONLY_MODE").isChecked()).toBe(false);
  });

  it("shows non-zero charts of the traffic on the dashboard, each with a table", async () => {
    await openUi(page, worker, "/dashboard");
    const requests = page.getByTestId("chart-requests-summary");
    await requests.waitFor();
    // Metrics reach the aggregator in waitUntil: reload until this run's requests are counted.
    for (
      let attempt = 0;
      attempt < 20 && !/requests: [1-9]/.test((await requests.textContent()) ?? "");
      attempt++
    ) {
      await page.waitForTimeout(250);
      await page.getByRole("button", { name: "Refresh" }).click();
    }
    expect(await requests.textContent()).toMatch(/requests: [1-9]/);
    expect(await page.getByTestId("chart-latency-summary").textContent()).toMatch(/p50: latest [0-9.]+ ms/);
    expect(await page.getByTestId("chart-rate-limits").count()).toBe(1);
    expect(await page.locator('[data-testid="chart-requests"] canvas').count()).toBeGreaterThan(0);
    await page.getByText("Table of requests").click();
    expect(await page.locator('[data-testid="chart-requests"] tbody tr').count()).toBeGreaterThan(0);
    await page.getByRole("radio", { name: "Last day" }).check();
    await page.getByText("24 buckets of 60 min").waitFor();
    await page.getByRole("radio", { name: "Last hour" }).check();
    await page.getByText("60 buckets of 1 min").waitFor();
    await screenshot(page, "dashboard");
    await expectAccessible(page, "dashboard");
  });
});
