/**
 * Global setup of the e2e project: builds the web UI when stale (npm test's pretest already
 * did, but a direct `vitest --project e2e` must not test an old build), checks Chromium, and
 * starts the two Workers every e2e file shares (starting a Worker costs seconds to a minute on
 * a loaded machine, so files never start their own): one in open (guest) mode, one with accounts
 * on and ADMIN registered. Files reach them with `e2eWorker("guest" | "auth")`. The auth-on
 * Worker extracts through the stub LLM (tools/stub-llm, started here in milliseconds), so a test
 * can make a document fail on purpose (`e2eStubScope()`). With E2E_GUEST_BASE and E2E_AUTH_BASE
 * set (Workers started with the harness's vars and ADMIN, E2E_STUB_LLM their stub), those are
 * used instead: `npx tsx test/e2e/serve.ts` starts such a set and prints the variables.
 */
import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import type { LocalWorker } from "../../scripts/lib/dev-server";
import { ensureWebuiBuilt } from "../../scripts/lib/webui-build";
import { startStubServer } from "../../tools/stub-llm/server.mjs";
import { CHROMIUM, startE2EWorker, stubExtractVars } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    e2eGuestBase: string;
    e2eAuthBase: string;
    /** The stub LLM's URL ("" when reused Workers come without E2E_STUB_LLM). */
    e2eStubLlmUrl: string;
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
    project.provide("e2eStubLlmUrl", process.env.E2E_STUB_LLM ?? "");
    return () => undefined;
  }
  const stub = await startStubServer({ port: 0 });
  const started = await Promise.allSettled([
    startE2EWorker(),
    startE2EWorker({ auth: true, vars: stubExtractVars(stub.url) }),
  ]);
  const workers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stopAll = () => {
    for (const worker of workers) worker.stop();
    void stub.close();
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    stopAll();
    throw failed.reason;
  }
  const [guest, auth] = workers as [LocalWorker, LocalWorker];
  project.provide("e2eGuestBase", guest.base);
  project.provide("e2eAuthBase", auth.base);
  project.provide("e2eStubLlmUrl", stub.url);
  return stopAll;
}
