/**
 * Global setup of the e2e project: builds the web UI when stale (npm test's pretest already
 * did, but a direct `vitest --project e2e` must not test an old build), checks Chromium, and
 * starts the two Workers every e2e file shares (starting a Worker costs seconds to a minute on
 * a loaded machine, so files never start their own): one in open (guest) mode, one with accounts
 * on and ADMIN registered. Files reach them with `e2eWorker("guest" | "auth")`. With
 * E2E_GUEST_BASE and E2E_AUTH_BASE set (Workers started with the harness's vars and ADMIN),
 * those are used instead: `npx tsx test/e2e/serve.ts` starts such a pair and prints the variables.
 */
import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import type { LocalWorker } from "../../scripts/lib/dev-server";
import { ensureWebuiBuilt } from "../../scripts/lib/webui-build";
import { CHROMIUM, startE2EWorker } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    e2eGuestBase: string;
    e2eAuthBase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run .ci/services (installs chromium)`);
  await ensureWebuiBuilt();
  // Developers iterating on a test can point the run at Workers they keep running.
  const { E2E_GUEST_BASE: guestBase, E2E_AUTH_BASE: authBase } = process.env;
  if (guestBase && authBase) {
    project.provide("e2eGuestBase", guestBase);
    project.provide("e2eAuthBase", authBase);
    return () => undefined;
  }
  const started = await Promise.allSettled([startE2EWorker(), startE2EWorker({ auth: true })]);
  const workers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stopAll = () => {
    for (const worker of workers) worker.stop();
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    stopAll();
    throw failed.reason;
  }
  const [guest, auth] = workers as [LocalWorker, LocalWorker];
  project.provide("e2eGuestBase", guest.base);
  project.provide("e2eAuthBase", auth.base);
  return stopAll;
}
