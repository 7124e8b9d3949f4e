/**
 * Layering: the domain (providers, the RAG engine, storage, the pipeline) knows no HTTP. Domain
 * code throws typed domain errors; only `src/http/error-handler.ts` turns them into statuses.
 * Read from the sources with a regex, so a forbidden import fails here before it can ship.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "../../src");

/** Folders of `src/` that must not depend on the HTTP layer. */
const DOMAIN = ["providers", "rag", "storage", "pipeline"];

/** `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`, over several lines. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every module `file` imports, as a path relative to `src/` (packages as their bare name). */
function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map(([, specifier = ""]) =>
    specifier.startsWith(".")
      ? path
          .relative(SRC, path.resolve(path.dirname(file), specifier))
          .split(path.sep)
          .join("/")
      : specifier,
  );
}

describe("layering", () => {
  it("reads multi-line, type-only, re-export and dynamic imports", () => {
    const file = path.join(SRC, "rag", "x.ts");
    const text = [
      'import type { A } from "../http/errors";',
      "import {\n  B,\n  C,\n} from '../http/error-handler';",
      'export { D } from "./types";',
      'const e = await import("../http/app-env");',
      'import "hono";',
    ].join("\n");
    expect(importsOf(file, text)).toEqual([
      "http/errors",
      "http/error-handler",
      "rag/types",
      "http/app-env",
      "hono",
    ]);
  });

  it("no module under src/providers, src/rag, src/storage or src/pipeline imports src/http", () => {
    const offenders = DOMAIN.flatMap((folder) =>
      sourceFiles(path.join(SRC, folder)).flatMap((file) =>
        importsOf(file, readFileSync(file, "utf8"))
          .filter((target) => target === "http" || target.startsWith("http/"))
          .map((target) => `${path.relative(SRC, file)} imports ${target}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it("src/rag imports neither Hono nor the Workers bindings", () => {
    const offenders = sourceFiles(path.join(SRC, "rag")).flatMap((file) =>
      importsOf(file, readFileSync(file, "utf8"))
        .filter((target) => target === "hono" || target.startsWith("hono/") || target === "env")
        .map((target) => `${path.relative(SRC, file)} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it("request code hands work to waitUntil only through requestWaitUntil, which its invocation tracks", () => {
    // A task given to c.executionCtx.waitUntil directly escapes the invocation: on neon the
    // request's Postgres pool could end before it ran (src/runtime/invocation.ts).
    const allowed = new Set(["observability/request-context.ts"]);
    const offenders = sourceFiles(SRC)
      .filter((file) => !allowed.has(path.relative(SRC, file).split(path.sep).join("/")))
      .filter((file) =>
        /executionCtx\s*\.\s*waitUntil|executionCtx\b[^;]*\bwaitUntil\b/.test(
          readFileSync(file, "utf8").replace(/^\s*(\*|\/\/).*$/gm, ""),
        ),
      )
      .map((file) => path.relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
