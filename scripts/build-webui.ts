/**
 * `npm run build:webui [-- --force]`: builds the web UI into public/webui/ when its sources
 * changed (always with --force) and prints the gzipped chunk sizes. `npm start` and `npm test`
 * run it, so the served UI is never older than its sources.
 */
import { buildWebui, ensureWebuiBuilt, reportSizes } from "./lib/webui-build";

const started = Date.now();
if (process.argv.includes("--force")) await buildWebui();
else if (!(await ensureWebuiBuilt())) {
  console.log("web UI is up to date (public/webui/)");
  if (process.argv.includes("--sizes")) reportSizes();
  process.exit(0);
}
console.log(`web UI built into public/webui/ in ${Date.now() - started} ms`);
