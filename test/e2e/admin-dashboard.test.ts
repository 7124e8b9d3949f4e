/**
 * The auth-on Worker in a real browser, signed in once: "Retry failed" on the Documents page
 * (this Worker extracts through the stub LLM: with 500s queued there an upload fails after the
 * provider's retry, the page shows it failed with its reason, and once the stub answers again
 * "Retry failed" takes it to processed without a manual refresh); the live pipeline status and
 * its cancel button (the stub answers slowly, so the pipeline stays busy for seconds); the admin
 * page (an API key shown once, and it works; a workspace, a user and its membership; a backup
 * created and restored into a new workspace; the audit log filtered; LLM usage and circuits;
 * read-only mode refusing an upload); then the dashboard's non-zero charts from the traffic so
 * far, in all three windows. Screenshots go to test-artifacts/. The admin page and the dashboard
 * are audited with axe (serious or critical violations fail) and must fit a small laptop screen.
 * Read-only mode is switched off and the stub's faults and latency dropped whatever happens (all
 * are shared by the run).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, expectFitsLaptop } from "./a11y";
import {
  ADMIN,
  type E2EBrowser,
  e2eStubScope,
  e2eWorker,
  launchBrowser,
  openUi,
  screenshot,
  signIn,
  uniqueWorkspace,
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

/** Makes every answer of the stub scope take `latencyMs` (0: at once). */
async function setLatency(scope: string, latencyMs: number): Promise<void> {
  const res = await fetch(`${scope}/__stub/config`, { method: "POST", body: JSON.stringify({ latencyMs }) });
  if (!res.ok) throw new Error(`stub config: ${res.status}`);
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
    // Restores and deletions ask for confirmation.
    page.on("dialog", (dialog) => void dialog.accept());
    await signIn(page, worker);
  });
  afterAll(async () => {
    await setReadOnly(null).catch(() => undefined);
    await clearFaults(scope).catch(() => undefined);
    await setLatency(scope, 0).catch(() => undefined);
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

  it("shows the pipeline busy with its batch and messages, and cancels it", async () => {
    // Every LLM answer takes 5 s (the Worker's timeout is 10 s): the pipeline stays busy long
    // enough to watch and cancel.
    await setLatency(scope, 5_000);
    try {
      await openUi(page, worker, "/documents");
      await page.getByRole("heading", { name: "Documents" }).waitFor();
      const name = `slow_${Date.now().toString(36)}.md`;
      await page.getByLabel("Choose files").setInputFiles([
        {
          name,
          mimeType: "text/markdown",
          buffer: Buffer.from(`# ${name}\n\nRosalind Franklin photographed DNA at King's College London.\n`),
        },
      ]);
      const state = page.getByTestId("pipeline-state");
      // The panel asks at once after an upload and every 2 s while the run starts.
      await state.filter({ hasText: "busy" }).waitFor({ timeout: 15_000 });
      const pipeline = page.getByRole("region", { name: /^Pipeline/ });
      // Shown with the busy badge (same answer), so no wait: click while the run lasts.
      expect(await pipeline.textContent()).toMatch(/batch \d+ of \d+|starting/);
      await pipeline.getByRole("button", { name: "Cancel pipeline" }).click();
      await pipeline.getByRole("status").getByText("Pipeline cancellation has been requested").waitFor();
      await pipeline.getByText(/^Latest: /).waitFor();
      await screenshot(page, "documents-pipeline-busy");
      await state.filter({ hasText: "idle" }).waitFor({ timeout: 60_000 });
      // The document ends one way or the other (cancelled before or after its extraction).
      await page
        .locator(
          '[data-testid="doc-row"][data-status="processed"], [data-testid="doc-row"][data-status="failed"]',
          {
            hasText: name,
          },
        )
        .waitFor({ timeout: 30_000 });
    } finally {
      await setLatency(scope, 0);
    }
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
    await expectFitsLaptop(page, "admin");
  });

  it("creates a workspace and a member of it, shown in the memberships", async () => {
    const workspace = uniqueWorkspace("e2e_admin_ws");
    const username = uniqueWorkspace("e2e_admin_user");
    const memberships = page.getByTestId("admin-memberships");
    await memberships.getByRole("textbox", { name: "New workspace" }).fill(workspace);
    await memberships.getByRole("button", { name: "Create", exact: true }).click();
    await memberships.getByRole("status").getByText(`Workspace ${workspace} created`).waitFor();
    const users = page.getByTestId("admin-users");
    await users.getByLabel("Username").fill(username);
    await users.getByLabel("New user password").fill("member-of-one-workspace-1");
    await users.getByLabel("Role").selectOption("user");
    await users.getByLabel("Workspaces (comma-separated)").fill(workspace);
    await users.getByRole("button", { name: "Create user" }).click();
    await users.getByRole("rowheader", { name: username }).waitFor();
    await memberships
      .locator("label", { hasText: /^Workspace/ })
      .locator("select")
      .selectOption(workspace);
    await memberships.getByRole("listitem").filter({ hasText: username }).waitFor();
  });

  it("creates a backup and restores the workspace into a new one, with progress", async () => {
    const backups = page.getByTestId("admin-backups");
    await backups.getByRole("button", { name: "Create backup" }).click();
    await backups.getByRole("status").getByText("Backup queued").waitFor();
    // The backup runs on the queue: refresh until it is complete (unverified or verified).
    const ready = backups.locator('[data-testid="backup-row"][data-status$="verified"]').first();
    for (let attempt = 0; attempt < 60 && (await ready.count()) === 0; attempt++) {
      await page.waitForTimeout(500);
      await backups.getByRole("button", { name: "Refresh backups" }).click();
    }
    await ready.waitFor({ timeout: 1_000 });
    const target = uniqueWorkspace("e2e_restored");
    await backups.getByLabel("Restore into workspace").fill(target);
    await ready.getByRole("button", { name: "Restore current workspace" }).click();
    await backups.getByText(`Restore of default into ${target} started`).waitFor();
    await backups
      .getByTestId("restore-progress")
      .getByText(new RegExp(`^Restore of default into ${target}: completed, [1-9]\\d* rows$`))
      .waitFor({ timeout: 60_000 });
  });

  it("filters the audit log and shows LLM usage and the providers' circuits", async () => {
    const audit = page.getByTestId("admin-audit");
    await audit.getByLabel("Event type").selectOption("administrative");
    const filtered = page.waitForResponse((res) =>
      res.url().includes("/admin/audit?event_type=administrative"),
    );
    await audit.getByRole("button", { name: "Apply filters" }).click();
    expect((await filtered).ok()).toBe(true);
    const types = audit.locator("tbody tr td:nth-child(2)");
    await expect.poll(() => types.allTextContents()).toContain("administrative");
    expect(new Set(await types.allTextContents())).toEqual(new Set(["administrative"]));
    const llm = page.getByTestId("admin-llm");
    // The uploads above were extracted through the stub: usage per model, and every chain's circuit.
    await llm.getByRole("button", { name: "Refresh LLM usage" }).click();
    const usage = llm.getByRole("table", { name: /^Usage of workspace/ }).locator("tbody tr");
    await expect.poll(() => usage.count()).toBeGreaterThan(0);
    expect(
      await llm.getByRole("table", { name: "Provider chains and circuits" }).locator("tbody tr").count(),
    ).toBeGreaterThan(0);
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
    // Query traffic: the same question twice, so the second is answered from the cache.
    const token = await adminToken();
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${worker.base}/query`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "Who invented frequency hopping?", mode: "local" }),
      });
      expect(res.status, await res.text()).toBe(200);
    }
    await openUi(page, worker, "/dashboard");
    const requests = page.getByTestId("chart-requests-summary");
    const queries = page.getByTestId("chart-queries-summary");
    await requests.waitFor();
    // Metrics reach the aggregator in waitUntil: reload until this run's requests are counted.
    const counted = async () =>
      /requests: [1-9]/.test((await requests.textContent()) ?? "") &&
      /local: [1-9]/.test((await queries.textContent()) ?? "");
    for (let attempt = 0; attempt < 20 && !(await counted()); attempt++) {
      await page.waitForTimeout(250);
      await page.getByRole("button", { name: "Refresh" }).click();
    }
    expect(await requests.textContent()).toMatch(/requests: [1-9]/);
    expect(await queries.textContent()).toMatch(/local: [1-9]/);
    expect(await page.getByTestId("chart-ingestion-summary").textContent()).toMatch(/processed: [1-9]/);
    expect(await page.getByTestId("chart-llm-tokens-summary").textContent()).toMatch(
      /: [1-9][\d,]* in total/,
    );
    expect(await page.getByTestId("chart-cache-summary").textContent()).toMatch(
      /hit rate: latest [1-9][\d.]* %/,
    );
    expect(await page.getByTestId("chart-latency-summary").textContent()).toMatch(/p50: latest [0-9.]+ ms/);
    expect(await page.getByTestId("chart-rate-limits").count()).toBe(1);
    expect(await page.locator('[data-testid="chart-requests"] canvas').count()).toBeGreaterThan(0);
    await page.getByText("Table of requests").click();
    expect(await page.locator('[data-testid="chart-requests"] tbody tr').count()).toBeGreaterThan(0);
    await page.getByRole("radio", { name: "Last week" }).check();
    await page.getByText("28 buckets of 360 min").waitFor();
    expect(await requests.textContent()).toMatch(/requests: [1-9]/);
    await page.getByRole("radio", { name: "Last day" }).check();
    await page.getByText("24 buckets of 60 min").waitFor();
    await page.getByRole("radio", { name: "Last hour" }).check();
    await page.getByText("60 buckets of 1 min").waitFor();
    await screenshot(page, "dashboard");
    await expectAccessible(page, "dashboard");
    await expectFitsLaptop(page, "dashboard");
  });
});
