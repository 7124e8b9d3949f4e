/**
 * Builds the web UI (webui/ → public/webui/) with Vite when its sources are newer than the
 * last build, and reports the gzipped JavaScript of the first load (the entry and its static
 * imports) apart from the lazily loaded chunks (pages, the graph renderer). Used by `npm start`,
 * `npm test` (pretest) and the e2e harness, so all of them serve the current UI.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const WEBUI_SOURCE = path.join(ROOT, "webui");
export const WEBUI_OUT = path.join(ROOT, "public", "webui");
/** Vite's manifest inside a build folder (written last, so its time is the build's). */
const manifestOf = (out: string) => path.join(out, ".vite", "manifest.json");
/** The budget for the first load's JavaScript, gzipped. */
export const FIRST_LOAD_BUDGET_BYTES = 300 * 1024;

/** Newest modification time (ms) of the files under `dir` (recursively). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

/** Where a build reads and writes (the checkout's by default; tests pass their own). */
export interface WebuiPaths {
  source: string;
  out: string;
  lock: string;
}

const CHECKOUT: WebuiPaths = {
  source: WEBUI_SOURCE,
  out: WEBUI_OUT,
  lock: path.join(ROOT, "package-lock.json"),
};

/**
 * True when public/webui/ is missing or older than any file under webui/ (or package-lock.json,
 * which pins the UI's libraries).
 *
 * @example
 * if (webuiIsStale()) await buildWebui();
 */
export function webuiIsStale(paths: WebuiPaths = CHECKOUT): boolean {
  const manifest = manifestOf(paths.out);
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  const lock = existsSync(paths.lock) ? statSync(paths.lock).mtimeMs : 0;
  return Math.max(newestMtime(paths.source), lock) > built;
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
  src?: string;
}

export interface ChunkSize {
  file: string;
  gzipBytes: number;
  firstLoad: boolean;
}

/** Gzipped sizes of the built JavaScript chunks (in `out`), the first-load ones marked. */
export function chunkSizes(out = WEBUI_OUT): ChunkSize[] {
  const manifest = JSON.parse(readFileSync(manifestOf(out), "utf8")) as Record<string, ManifestChunk>;
  const firstLoad = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || firstLoad.has(chunk.file)) return;
    firstLoad.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  const files = new Set(Object.values(manifest).map((chunk) => chunk.file));
  return [...files]
    .filter((file) => file.endsWith(".js"))
    .map((file) => ({
      file,
      gzipBytes: gzipSync(readFileSync(path.join(out, file))).length,
      firstLoad: firstLoad.has(file),
    }))
    .sort((a, b) => Number(b.firstLoad) - Number(a.firstLoad) || b.gzipBytes - a.gzipBytes);
}

/** Prints the chunk table; throws when the first load is over `budget` (bytes gzipped). */
export function reportSizes(
  log: (line: string) => void = console.log,
  out = WEBUI_OUT,
  budget = FIRST_LOAD_BUDGET_BYTES,
): number {
  const sizes = chunkSizes(out);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const size of sizes)
    log(`  ${size.firstLoad ? "first load" : "lazy      "}  ${kb(size.gzipBytes).padStart(9)}  ${size.file}`);
  const total = sizes.filter((s) => s.firstLoad).reduce((sum, s) => sum + s.gzipBytes, 0);
  log(`  first-load JavaScript: ${kb(total)} gzipped (budget ${kb(budget)})`);
  if (total > budget) throw new Error(`web UI first load is ${kb(total)} gzipped, over budget`);
  return total;
}

/**
 * Runs the Vite build (webui/vite.config.ts) and prints the sizes.
 *
 * @example
 * await buildWebui(); // public/webui/index.html and assets/
 */
export async function buildWebui(): Promise<void> {
  const { build } = await import("vite");
  await build({ configFile: path.join(WEBUI_SOURCE, "vite.config.ts"), logLevel: "warn" });
  reportSizes();
}

/** Builds only when stale; returns whether it built. */
export async function ensureWebuiBuilt(): Promise<boolean> {
  if (!webuiIsStale()) return false;
  await buildWebui();
  return true;
}
