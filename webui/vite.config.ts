/**
 * Vite build of the web UI: `webui/` sources to `public/webui/`, where Workers static assets
 * serve them at `/webui/`. Run through scripts/build-webui.ts (staleness check, size report).
 */
import path from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/webui/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: path.join(import.meta.dirname, "..", "public", "webui"),
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    // The graph renderer is one lazy chunk on purpose (~70 KB gzipped); do not warn about it.
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
});
