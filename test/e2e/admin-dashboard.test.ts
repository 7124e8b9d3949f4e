/**
 * The auth-on Worker in a real browser, signed in once: "Retry failed" on the Documents page
 * (this Worker extracts through the stub LLM: with 500s queued there an upload fails after the
 * provider's retry, the page shows it failed with its reason, and once the stub answers again
 * "Retry failed" takes it to processed without a manual refresh); the admin page (an API key
 * shown once, and it works; read-only mode refusing an upload); then the dashboard's non-zero
 * charts from the traffic so far. Screenshots go to test-artifacts/. The admin page and the
 * dashboard are audited with axe (serious or critical violations fail). Read-only mode is switched off and the stub's
 * faults dropped whatever happens (both are shared by the run).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "./a11y";
import {
  ADMIN,
  type E2EBrowser,
  e2eStubScope,
  e2eWorker,
  launchBrowser,
  openUi,
  screenshot,
  signIn,
} from "./harness";

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

/** Queues faults at the stub scope the Worker extracts through (served in order, `times` each). */
async function queueFaults(scope: string, faults: { kind: string; times: number }[]): Promise<void> {
  const res = await fetch(`${scope}/__stub/faults`, { method: "POST", body: JSON.stringify({ faults }) });
  if (!res.ok) throw new Error(`stub faults: ${res.status}`);
}

/** Drops the faults not served yet: the provider has recovered. */
async function clearFaults(scope: string): Promise<void> {
  const res = await fetch(`${scope}/__stub/faults`, { method: "DELETE" });
  if (!res.ok) throw new Error(`stub clear faults: ${res.status}`);
}

describe("retry failed, admin page and analytics dashboard (auth on)", () => {
  let browser: E2EBrowser;
  let page: Page;
  let scope: string;

  beforeAll(async () => {
    scope = e2eStubScope();
    browser = await launchBrowser();
    page = await browser.newPage();
    await signIn(page, worker);
  });
  afterAll(async () => {
    await setReadOnly(null).catch(() => undefined);
    await clearFaults(scope).catch(() => undefined);
    await browser?.close();
  });

  it("shows a failed document with its error, and Retry failed takes it to processed", async () => {
    // More 500s than one extraction's attempts (1 + LLM_MAX_RETRIES): the document fails.
    await queueFaults(scope, [{ kind: "500", times: 50 }]);
    await openUi(page, worker, "/documents");
    await page.getByRole("heading", { name: "Documents" }).waitFor();
    // A document's id is its content's hash: the name in the text keeps each run's upload new.
    const name = `flaky_${Date.now().toString(36)}.md`;
    await page.getByLabel("Choose files").setInputFiles([
      {
        name,
        mimeType: "text/markdown",
        buffer: Buffer.from(`# ${name}\n\nHedy Lamarr invented frequency hopping with George Antheil.\n`),
      },
    ]);
    const rows = page.locator('[data-testid="doc-row"]', { hasText: name });
    const failed = page.locator('[data-testid="doc-row"][data-status="failed"]', { hasText: name });
    // Seconds on an idle machine; the bound is for a CI box shared with other jobs.
    await failed.waitFor({ timeout: 45_000 });
    await failed.getByText("Error", { exact: true }).click();
    const message = failed.locator("details p");
    await message.waitFor();
    // The reason reaches the page: which provider answered what.
    expect(await message.textContent()).toMatch(/openai 500/);
    // No axe audit here (the Documents page is audited in workflow.test.ts): it would cost
    // seconds, and the click must come before the queue's own retry (below).
    await screenshot(page, "documents-failed");

    // The queue also retries a failed batch by itself, 10 s after the failure; the click
    // normally comes first, and the request it sends must succeed either way.
    await clearFaults(scope);
    const retried = page.waitForResponse((res) => res.url().endsWith("/documents/reprocess_failed"));
    await page.getByRole("button", { name: /^Retry failed \([1-9]\d*\)$/ }).click();
    const answer = await retried;
    expect(answer.ok(), `${answer.status()} ${await answer.text()}`).toBe(true);
    await page
      .getByRole("status")
      .getByText(/Reprocessing of [1-9]\d* failed or pending/)
      .waitFor();
    // The list refreshes by itself until the queue has taken the document and it is processed.
    await rows.and(page.locator('[data-status="processed"]')).waitFor({ timeout: 45_000 });
    expect(await rows.locator("details").count()).toBe(0);
    await screenshot(page, "documents-retried");
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
