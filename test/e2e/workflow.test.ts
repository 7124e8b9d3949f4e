/**
 * The main user journey in a real browser on the guest-mode Worker, in a workspace of its own:
 * upload a PDF and a Markdown file and watch both reach "processed", open the graph of one of
 * their entities with its details and source documents, then run a streamed query in every
 * mode and see its references. Screenshots of each page go to test-artifacts/.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfOf } from "../fixtures/files";
import {
  type E2EBrowser,
  e2eWorker,
  enterAsGuest,
  launchBrowser,
  openUi,
  screenshot,
  uniqueWorkspace,
} from "./harness";

// mix last, so the screenshot shows its retrieved context beside the answers.
const MODES = ["bypass", "local", "global", "hybrid", "naive", "mix"] as const;

const MARKDOWN = `# The Analytical Engine

Ada Lovelace worked with Charles Babbage on the Analytical Engine in London.
Charles Babbage designed the Difference Engine before the Analytical Engine.
Ada Lovelace wrote the first published algorithm for the Analytical Engine.
`;

function pdf(text: string): Buffer {
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  return Buffer.from(
    pdfOf([
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]),
  );
}

describe("documents, graph and query (guest mode)", () => {
  const worker = e2eWorker("guest");
  const workspace = uniqueWorkspace("e2e_flow");
  let browser: E2EBrowser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    await enterAsGuest(page, worker);
    const field = page.getByRole("textbox", { name: "Workspace" });
    await field.fill(workspace);
    await field.press("Enter");
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("uploads a PDF and a Markdown file and shows both processed", async () => {
    await openUi(page, worker, "/documents");
    await page.getByRole("heading", { name: "Documents" }).waitFor();
    await page.getByText(`Workspace ${workspace}`).waitFor();
    await page.getByLabel("Choose files").setInputFiles([
      { name: "engine.md", mimeType: "text/markdown", buffer: Buffer.from(MARKDOWN) },
      {
        name: "babbage.pdf",
        mimeType: "application/pdf",
        buffer: pdf("Charles Babbage built the Difference Engine in London"),
      },
    ]);
    const uploads = page.locator('[data-testid="upload-item"]');
    await uploads
      .filter({ hasText: "done" })
      .nth(1)
      .waitFor({ timeout: 45_000 })
      .catch(async (error: unknown) => {
        throw new Error(`uploads: ${(await uploads.allTextContents()).join(" | ")}`, { cause: error });
      });
    const processed = page.locator('[data-testid="doc-row"][data-status="processed"]');
    // Seconds on an idle machine; the bound is for a CI box shared with other jobs.
    await processed.nth(1).waitFor({ timeout: 65_000 });
    expect(await processed.count()).toBe(2);
    await page.getByText("idle").waitFor();
    await screenshot(page, "documents");
  });

  it("opens the graph of an entity with its details and source documents", async () => {
    await openUi(page, worker, "/graph");
    // The popular labels are links to their graphs.
    const entity = page
      .getByRole("link", { name: "Analytical Engine" })
      .or(page.getByRole("link", { name: "Ada Lovelace" }));
    await entity.first().click();
    const details = page.getByTestId("node-details");
    await details.waitFor({ timeout: 20_000 });
    expect(await details.getByRole("heading").first().textContent()).toMatch(
      /Analytical Engine|Ada Lovelace/,
    );
    expect(await details.getByTestId("source-documents").textContent()).toContain("engine.md");
    await page.getByRole("button", { name: "Expand neighbours" }).click();
    await page.getByTestId("graph-status").filter({ hasText: "in view" }).waitFor();
    await screenshot(page, "graph");
  });

  it("streams an answer in every mode with references", async () => {
    await openUi(page, worker, "/query");
    for (const [i, mode] of MODES.entries()) {
      await page.getByLabel("Mode", { exact: true }).selectOption(mode);
      await page
        .getByRole("textbox", { name: "Question" })
        .fill(`What did Ada Lovelace write about the Analytical Engine? (${mode})`);
      await page.getByRole("button", { name: "Send" }).click();
      const answer = page.getByTestId("answer").nth(i);
      await answer.waitFor({ timeout: 30_000 });
      expect(await answer.locator(".error").count(), `${mode}: ${await answer.textContent()}`).toBe(0);
      expect((await answer.locator(".answer").textContent())?.length, mode).toBeGreaterThan(0);
      // bypass sends the question to the LLM alone: nothing is retrieved, so nothing is cited.
      if (mode !== "bypass")
        expect(await answer.getByTestId("references").locator("a").count(), mode).toBeGreaterThan(0);
    }
    await page
      .getByTestId("context")
      .getByText(/Entities \(\d+\)/)
      .waitFor();
    await screenshot(page, "query");
    await page.getByTestId("references").first().locator("a").first().click();
    await page.getByText("(from a reference)").waitFor();
    await page.locator('[data-testid="doc-row"]').first().waitFor();
    expect(await page.locator('[data-testid="doc-row"]').count()).toBe(1);
  });
});
