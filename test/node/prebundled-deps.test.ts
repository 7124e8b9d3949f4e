/**
 * Every package the Worker or a workerd test imports is pre-bundled for the workerd projects
 * (test/node/prebundled-deps.ts), or deliberately left out: one forgotten package costs every
 * workerd test file its dozens of module loads again.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NOT_PREBUNDLED, PREBUNDLED_DEPS } from "./prebundled-deps";

const ROOT = path.resolve(__dirname, "../..");

/** Test folders that run in Node, not in workerd. */
const NODE_TEST_DIRS = new Set(["node", "e2e", "webui"]);

/** A package name and subpath, as npm spells them. */
const PACKAGE = String.raw`(?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*(?:/[\w.@/-]+)?`;
/** `… from "x";` ending a line (so over several lines), `import "x"` and `import("x")`. */
const SPECIFIER = new RegExp(
  String.raw`\bfrom\s+["'](${PACKAGE})["'];?\s*$|^\s*import\s+["'](${PACKAGE})["']|\bimport\(\s*["'](${PACKAGE})["']\s*\)`,
  "gm",
);

function sourceFiles(dir: string, skip: Set<string> = new Set()): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Package imports of `text` (runtime modules like `cloudflare:test` and vitest are not packages to bundle). */
function bareImports(text: string): string[] {
  return [...text.matchAll(SPECIFIER)]
    .map(([, from, bare, dynamic]) => from ?? bare ?? dynamic ?? "")
    .filter((s) => s !== "vitest");
}

describe("pre-bundled dependencies of the workerd projects", () => {
  it("reads static, multi-line and dynamic imports, not relative ones", () => {
    const text = `import { a } from "hono";\nimport {\n  b,\n} from "zod";\nawait import("jose");\nimport "./x";\nimport { c } from "../y";\nimport { d } from "cloudflare:test";\nconst s = \`from "\${x}"\`;`;
    expect(bareImports(text)).toEqual(["hono", "zod", "jose"]);
  });

  it("lists every package src/ and the workerd tests import", () => {
    const files = [
      ...sourceFiles(path.join(ROOT, "src")),
      ...sourceFiles(path.join(ROOT, "test"), NODE_TEST_DIRS),
    ];
    const listed = new Set(PREBUNDLED_DEPS);
    const missing = new Set<string>();
    for (const file of files) {
      for (const specifier of bareImports(readFileSync(file, "utf8"))) {
        if (!listed.has(specifier) && !NOT_PREBUNDLED.has(specifier)) missing.add(specifier);
      }
    }
    expect([...missing].sort()).toEqual([]);
  });
});
