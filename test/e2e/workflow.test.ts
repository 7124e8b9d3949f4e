/**
 * The main user journey in a real browser on the guest-mode Worker, in a workspace of its own:
 * upload a PDF, a Markdown and a text file (keyboard only) and watch them reach "processed",
 * open the graph of one of their entities with its details and source documents, edit the
 * entity and one of its relations, search the graph by keyboard, run a streamed query in every
 * mode and see its references, then delete one document and the rest at once. Every page is
 * audited with axe (serious or critical violations fail). Screenshots go to test-artifacts/.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfOf } from "../fixtures/files";
import { expectAccessible, tabTo } from "./a11y";
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

  it("uploads a PDF, a Markdown and a text file by keyboard and shows them processed", async () => {
    await openUi(page, worker, "/documents");
    await page.getByRole("heading", { name: "Documents" }).waitFor();
    await page.getByText(`Workspace ${workspace}`).waitFor();
    // Keyboard only: Tab from the top of the content to the file picker and open it with Space.
    await tabTo(page, page.getByLabel("Choose files"));
    const chooser = page.waitForEvent("filechooser", { timeout: 5_000 });
    await page.keyboard.press("Space");
    await (await chooser).setFiles([
      { name: "engine.md", mimeType: "text/markdown", buffer: Buffer.from(MARKDOWN) },
      {
        name: "babbage.pdf",
        mimeType: "application/pdf",
        buffer: pdf("Charles Babbage built the Difference Engine in London"),
      },
      {
        name: "notes.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("Grace Hopper wrote the first compiler at Remington Rand.\n"),
      },
    ]);
    const uploads = page.locator('[data-testid="upload-item"]');
    await uploads
      .filter({ hasText: "done" })
      .nth(2)
      .waitFor({ timeout: 45_000 })
      .catch(async (error: unknown) => {
        throw new Error(`uploads: ${(await uploads.allTextContents()).join(" | ")}`, { cause: error });
      });
    const processed = page.locator('[data-testid="doc-row"][data-status="processed"]');
    // Seconds on an idle machine; the bound is for a CI box shared with other jobs.
    await processed.nth(2).waitFor({ timeout: 65_000 });
    expect(await processed.count()).toBe(3);
    await page.getByText("idle").waitFor();
    await screenshot(page, "documents");
    await expectAccessible(page, "documents");
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
    await details.getByText(/Relations \(\d+\)/).click();
    await expectAccessible(page, "graph");
  });

  it("edits an entity and a relation through the graph explorer", async () => {
    const details = page.getByTestId("node-details");
    const entity = (await details.getByRole("heading").first().textContent()) ?? "";
    await details.getByRole("button", { name: "Edit" }).click();
    await details.getByLabel("Description").fill("Edited in the browser test.");
    await expectAccessible(page, "graph-edit-entity");
    await details.getByRole("button", { name: "Save entity" }).click();
    // Saved, then the graph reloads and shows the entity with its new description.
    await details.getByText("Edited in the browser test.").waitFor();
    expect(await details.getByRole("heading").first().textContent()).toBe(entity);

    // Relations are reached from the node's details (the keyboard path; the canvas needs a mouse).
    await details.getByText(/Relations \(\d+\)/).click();
    const relation = details
      .getByRole("list", { name: `Relations of ${entity}` })
      .getByRole("button")
      .first();
    const relationName = (await relation.textContent()) ?? "";
    await relation.click();
    const edge = page.getByTestId("edge-details");
    await edge.getByLabel("Description").fill("Relation edited in the browser test.");
    await edge.getByRole("button", { name: "Save relation" }).click();
    // The graph reloads with the entity selected; its relation now has the new description.
    await details.getByText(/Relations \(\d+\)/).click();
    await details.getByRole("button", { name: relationName, exact: true }).click();
    await edge.locator(".answer").getByText("Relation edited in the browser test.").waitFor();
  });

  it("searches the graph by keyboard with autocomplete", async () => {
    const search = page.getByRole("combobox", { name: "Entity" });
    await tabTo(page, search);
    await page.keyboard.type("Babbage");
    const option = page.getByRole("option").first();
    await option.waitFor();
    const name = (await option.textContent()) ?? "";
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.getByTestId("node-details").getByRole("heading", { name, exact: true }).waitFor();
  });

  it("streams an answer in every mode with references", async () => {
    await openUi(page, worker, "/query");
    for (const [i, mode] of MODES.entries()) {
      await page.getByLabel("Mode", { exact: true }).selectOption(mode);
      const question = page.getByRole("textbox", { name: "Question" });
      const text = `What did Ada Lovelace write about the Analytical Engine? (${mode})`;
      if (i === 0) {
        // Keyboard only: Tab to the question, type it, send with Ctrl+Enter.
        await tabTo(page, question);
        await page.keyboard.type(text);
        await page.keyboard.press("Control+Enter");
      } else {
        await question.fill(text);
        await page.getByRole("button", { name: "Send" }).click();
      }
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
    await expectAccessible(page, "query");
    await page.getByTestId("references").first().locator("a").first().click();
    await page.getByText("(from a reference)").waitFor();
    await page.locator('[data-testid="doc-row"]').first().waitFor();
    expect(await page.locator('[data-testid="doc-row"]').count()).toBe(1);
  });

  it("deletes one document, then the rest at once", async () => {
    page.on("dialog", (dialog) => void dialog.accept());
    await openUi(page, worker, "/documents");
    const rows = page.locator('[data-testid="doc-row"]');
    await rows.nth(2).waitFor();
    const first = (await rows.first().locator("td").nth(1).textContent()) ?? "";
    await rows.first().getByRole("checkbox").check();
    await page.getByRole("button", { name: "Delete selected (1)" }).click();
    // Deletion runs in the background; the list refreshes until the row is gone.
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await rows.allTextContents()).not.toContain(expect.stringContaining(first));
    await page.getByLabel("Select all on this page").check();
    await page.getByRole("button", { name: "Delete selected (2)" }).click();
    await page.getByText("No documents.").waitFor({ timeout: 30_000 });
  });
});
