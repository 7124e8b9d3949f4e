/**
 * Accessibility audit of a page with axe-core (test-only dependency, never in the UI bundle):
 * its source is read from node_modules and evaluated in the page through the DevTools protocol
 * (no network, and the page's CSP, which refuses inline scripts, does not apply to it). The e2e
 * flows call `expectAccessible(page, "documents")` on each page once it shows its data, so every
 * page is audited where it is already open, without an extra browser start.
 *
 * @example
 * await openUi(page, worker, "/documents");
 * await expectAccessible(page, "documents");
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Locator, Page } from "playwright-core";

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** The parts of axe's result this audit reads. */
export interface AxeViolation {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Impacts that fail the audit (minor and moderate findings are reported, not failed on). */
const FAILING = new Set(["serious", "critical"]);

/**
 * Runs axe (WCAG 2.x A and AA rules and axe's best practices) over the whole page and returns
 * every violation.
 *
 * @example
 * const violations = await axeAudit(page);
 */
export async function axeAudit(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(axeSource);
  // A string, not a function: tsx's keepNames would reference a helper the page lacks.
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  })()`) as Promise<AxeViolation[]>;
}

/** One line per violation: impact, rule, help and the first offending elements. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.impact ?? "?"} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")}${v.nodes.length > 3 ? ` (+${v.nodes.length - 3})` : ""}`,
    )
    .join("\n");
}

/**
 * Fails when axe finds a serious or critical violation on the page; lesser ones are printed.
 *
 * @example
 * await expectAccessible(page, "graph");
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const violations = await axeAudit(page);
  const failing = violations.filter((v) => v.impact !== null && FAILING.has(v.impact));
  const other = violations.filter((v) => !failing.includes(v));
  if (other.length > 0) console.warn(`[axe] ${name}, minor/moderate:\n${describeViolations(other)}`);
  if (failing.length > 0)
    throw new Error(`[axe] ${name}: serious/critical violations:\n${describeViolations(failing)}`);
}

/**
 * Puts the focus where the "Skip to content" link does (the page's `main`), then presses Tab
 * (at most `maxTabs` times) until `target` has the keyboard focus, and fails when it never gets
 * it: proof that a control is reachable by keyboard, in the page's tab order.
 *
 * @example
 * await tabTo(page, page.getByLabel("Choose files"));
 * await page.keyboard.press("Space");
 */
export async function tabTo(page: Page, target: Locator, maxTabs = 40): Promise<void> {
  const handle = await target.elementHandle();
  if (!handle) throw new Error("tabTo: no such element");
  await page.locator("main").focus();
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press("Tab");
    if (await handle.evaluate((element) => element === document.activeElement)) return;
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? "none");
  throw new Error(`tabTo: not reached after ${maxTabs} Tabs (focus on ${focused})`);
}

/** The smallest common laptop screen the UI must fit (CSS pixels). */
export const LAPTOP = { width: 1280, height: 720 };

/**
 * Fails when the page, resized to a small laptop screen (`LAPTOP`), scrolls sideways: wide
 * content (tables, the graph) must wrap or scroll inside its own box. The viewport is restored
 * afterwards, so screenshots keep the harness's size.
 *
 * @example
 * await expectFitsLaptop(page, "documents");
 */
export async function expectFitsLaptop(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize(LAPTOP);
  try {
    // Two frames: layout and ResizeObservers (charts, the graph canvas) settle.
    const overflow = await page.evaluate(
      `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
        const root = document.documentElement;
        const wide = [...document.querySelectorAll("main *")]
          .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
          .slice(0, 3)
          .map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : ""));
        resolve({ scroll: root.scrollWidth, client: root.clientWidth, wide });
      })))`,
    );
    const { scroll, client, wide } = overflow as { scroll: number; client: number; wide: string[] };
    if (scroll > client + 1)
      throw new Error(
        `${name} scrolls sideways at ${LAPTOP.width}×${LAPTOP.height} (${scroll} > ${client} px): ${wide.join(", ")}`,
      );
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
