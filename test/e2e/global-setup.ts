/**
 * Global setup of the e2e project: the web UI is built when stale (npm test's pretest already
 * did, but a direct `vitest --project e2e` must not test an old build), and Chromium must exist.
 */
import { existsSync } from "node:fs";
import { ensureWebuiBuilt } from "../../scripts/lib/webui-build";
import { CHROMIUM } from "./harness";

export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run .ci/services (installs chromium)`);
  await ensureWebuiBuilt();
}
