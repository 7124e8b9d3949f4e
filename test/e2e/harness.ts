/**
 * Reusable e2e harness: a real Worker (`wrangler dev --local` on a fresh state, through
 * scripts/lib/dev-server.ts), Debian's Chromium driven by playwright-core with a fresh profile,
 * sign-in helpers and screenshots saved to test-artifacts/. Every e2e test file builds on it:
 *
 * @example
 * const worker = e2eWorker("auth"); // started once per run by test/e2e/global-setup.ts
 * const browser = await launchBrowser();
 * const page = await browser.newPage();
 * await signIn(page, worker, ADMIN);
 * await screenshot(page, "documents");
 * await browser.close();
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";
import { type LocalWorker, ROOT, startLocalWorker } from "../../scripts/lib/dev-server";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = path.join(ROOT, "test-artifacts");

/** Flags that keep Chromium headless, quiet and off the network except for the page's origin. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Secrets of the auth-on Worker (test values; a low scrypt cost keeps logins fast). */
export const AUTH_VARS = {
  AUTH_ENABLED: "true",
  JWT_SECRET_KEY: "e2e-secret-key-of-at-least-32-characters!",
  PASSWORD_HASH_COST: "6",
  PASSWORD_HASH_PARALLELISM: "1",
  ADMIN_BOOTSTRAP_TOKEN: "e2e-bootstrap-token-0123456789abcdef",
};

/** The stub LLM scope (tools/stub-llm) the auth-on Worker extracts through. */
export const STUB_SCOPE = "e2e-extract";

/**
 * Vars that send the auth-on Worker's extraction (and summaries) to the stub LLM at `stubUrl`,
 * so a test can make ingestion fail by queueing faults there; queries and embeddings stay
 * local. One retry 10 ms later and a 1 s circuit cooldown: a fault fails its document within
 * a second, and a retry right after the fault is cleared is not refused by an open circuit.
 *
 * @example
 * startE2EWorker({ auth: true, vars: stubExtractVars("http://127.0.0.1:4321") });
 */
export function stubExtractVars(stubUrl: string): Record<string, string> {
  return {
    EXTRACT_LLM_BINDING: "openai",
    EXTRACT_LLM_MODEL: "stub",
    EXTRACT_LLM_BINDING_HOST: `${stubUrl}/s/${STUB_SCOPE}/v1`,
    EXTRACT_LLM_BINDING_API_KEY: "e2e-stub-key",
    EXTRACT_LLM_TIMEOUT: "10",
    LLM_MAX_RETRIES: "1",
    LLM_RETRY_BASE_MS: "10",
    LLM_BREAKER_COOLDOWN: "1",
  };
}

export interface Account {
  username: string;
  password: string;
}

/** The administrator `startE2EWorker({ auth: true })` creates. */
export const ADMIN: Account = { username: "e2e-admin", password: "correct-horse-battery-e2e" };

export interface E2EWorker {
  base: string;
}

/**
 * One of the two Workers the e2e global setup started for the whole run: "guest" (open mode)
 * or "auth" (accounts on, ADMIN registered). Files share them, so each test uses its own
 * workspace (`uniqueWorkspace()`) when it writes data.
 */
export function e2eWorker(kind: "guest" | "auth"): E2EWorker {
  return { base: inject(kind === "guest" ? "e2eGuestBase" : "e2eAuthBase") };
}

/**
 * The stub LLM scope the auth-on Worker extracts through (`${url}/__stub/faults` queues
 * faults). With E2E_*_BASE set, E2E_STUB_LLM must name the stub those Workers use (serve.ts
 * prints it).
 */
export function e2eStubScope(): string {
  const url = inject("e2eStubLlmUrl");
  if (!url) throw new Error("E2E_STUB_LLM is not set (npx tsx test/e2e/serve.ts prints it)");
  return `${url}/s/${STUB_SCOPE}`;
}

/** A workspace name no other test uses (letters, digits, underscores). */
export function uniqueWorkspace(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}

/** A free TCP port on 127.0.0.1 whose +100 neighbour (the inspector) is free too. */
export async function freePort(): Promise<number> {
  const probe = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    try {
      await probe(port);
      await probe(port + 100);
      return port;
    } catch {
      // taken; try another
    }
  }
  return probe(0);
}

export interface E2EWorkerOptions {
  /** Accounts on (AUTH_VARS) with ADMIN registered; open (guest) mode otherwise. */
  auth?: boolean;
  vars?: Record<string, string>;
}

/**
 * A Worker on a fresh local state, with the web UI at `${base}/webui/`.
 *
 * @example
 * const worker = await startE2EWorker(); // guest mode
 */
export async function startE2EWorker(options: E2EWorkerOptions = {}): Promise<LocalWorker> {
  const port = await freePort();
  const vars = { LOG_LEVEL: "WARNING", ...(options.auth ? AUTH_VARS : {}), ...options.vars };
  // Seconds on an idle machine; minutes when a shared CI box runs a load average of 20.
  const worker = await startLocalWorker({ port, vars, label: "e2e", logLevel: "error", timeoutMs: 150_000 });
  if (options.auth) {
    try {
      await registerUser(worker.base, { ...ADMIN, role: "administrator" });
    } catch (error) {
      worker.stop();
      throw error;
    }
  }
  return worker;
}

/** Registers a user with the bootstrap token (auth-on Workers only). */
export async function registerUser(
  base: string,
  user: Account & { role?: string; workspaces?: string[] },
): Promise<void> {
  const res = await fetch(`${base}/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Bootstrap-Token": AUTH_VARS.ADMIN_BOOTSTRAP_TOKEN },
    body: JSON.stringify(user),
  });
  if (!res.ok) throw new Error(`register ${user.username}: ${res.status} ${await res.text()}`);
}

export interface E2EBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile directory (removed by `close`). Console errors and failed
 * requests of every page are echoed to stderr, so a failing test says why.
 */
export async function launchBrowser(): Promise<E2EBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), "e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 820 },
  });
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error") console.error(`[browser] ${message.text()}`);
    });
    page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
    page.on("response", (response) => {
      if (response.status() >= 500)
        console.error(`[browser] ${response.status()} ${response.request().method()} ${response.url()}`);
    });
  };
  context.on("page", watch);
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the UI at a hash path (e.g. `/documents`). */
export async function openUi(page: Page, worker: { base: string }, hashPath = "/"): Promise<void> {
  await page.goto(`${worker.base}/webui/#${hashPath}`);
}

/** Signs in through the sign-in form and waits for the signed-in header. */
export async function signIn(page: Page, worker: { base: string }, account: Account = ADMIN): Promise<void> {
  await openUi(page, worker, "/signin");
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-user").waitFor();
}

/** Enters an open-mode (AUTH_ENABLED=false) Worker as guest. */
export async function enterAsGuest(page: Page, worker: { base: string }): Promise<void> {
  await openUi(page, worker, "/signin");
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.getByText("Guest mode").waitFor();
}

/** Saves a full-page PNG to test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
