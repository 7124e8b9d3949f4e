/**
 * The web UI's build step (scripts/lib/webui-build.ts), which `npm start`, `npm test` and the
 * e2e setup run: it rebuilds only when a source is newer than the last build, and it fails when
 * the first load (the entry and its static imports) is over the JavaScript budget while lazy
 * chunks (pages, the graph renderer) do not count. On temporary folders, without Vite.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chunkSizes, reportSizes, webuiIsStale } from "../../scripts/lib/webui-build";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A source folder, a build folder with a manifest, and a lock file, all dated `at` (s). */
function fixture(at: number) {
  const root = mkdtempSync(path.join(tmpdir(), "webui-build-"));
  made.push(root);
  const paths = {
    source: path.join(root, "webui"),
    out: path.join(root, "out"),
    lock: path.join(root, "lock"),
  };
  mkdirSync(path.join(paths.source, "src"), { recursive: true });
  mkdirSync(path.join(paths.out, ".vite"), { recursive: true });
  mkdirSync(path.join(paths.out, "assets"), { recursive: true });
  const files = [
    path.join(paths.source, "src", "app.tsx"),
    paths.lock,
    path.join(paths.out, ".vite", "manifest.json"),
  ];
  for (const file of files) {
    writeFileSync(file, "{}");
    utimesSync(file, at, at);
  }
  return paths;
}

describe("webuiIsStale", () => {
  it("is stale without a build, fresh after one, and stale again when a source or the lock file changes", () => {
    const paths = fixture(1_000);
    expect(webuiIsStale(paths)).toBe(false);
    const page = path.join(paths.source, "src", "page.tsx");
    writeFileSync(page, "export {}");
    utimesSync(page, 2_000, 2_000);
    expect(webuiIsStale(paths)).toBe(true);
    utimesSync(page, 900, 900);
    utimesSync(paths.lock, 2_000, 2_000);
    expect(webuiIsStale(paths)).toBe(true);
    rmSync(path.join(paths.out, ".vite", "manifest.json"));
    expect(webuiIsStale(paths)).toBe(true);
  });
});

describe("first-load budget", () => {
  it("counts the entry and its static imports only, and fails over budget", () => {
    const { out } = fixture(1_000);
    const manifest = {
      "index.html": {
        file: "assets/index.js",
        isEntry: true,
        imports: ["_shared.js"],
        dynamicImports: ["src/pages/graph.tsx"],
      },
      "_shared.js": { file: "assets/shared.js" },
      "src/pages/graph.tsx": { file: "assets/graph.js", isDynamicEntry: true, imports: ["index.html"] },
    };
    writeFileSync(path.join(out, ".vite", "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(out, "assets", "index.js"), "export const a = 1;".repeat(50));
    writeFileSync(path.join(out, "assets", "shared.js"), "export const b = 2;".repeat(50));
    // Incompressible: 64 KB gzipped, but lazy.
    writeFileSync(path.join(out, "assets", "graph.js"), randomBytes(64 * 1024).toString("base64"));
    const sizes = chunkSizes(out);
    expect(
      sizes
        .filter((s) => s.firstLoad)
        .map((s) => s.file)
        .sort(),
    ).toEqual(["assets/index.js", "assets/shared.js"]);
    expect(sizes.find((s) => s.file === "assets/graph.js")?.firstLoad).toBe(false);
    const lines: string[] = [];
    const total = reportSizes((line) => lines.push(line), out, 10 * 1024);
    expect(total).toBeLessThan(1024);
    expect(lines.at(-1)).toMatch(/first-load JavaScript: .* gzipped \(budget 10\.0 KB\)/);
    expect(() => reportSizes(() => undefined, out, total - 1)).toThrow(/over budget/);
  });
});
