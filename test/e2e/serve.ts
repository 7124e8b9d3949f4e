/**
 * `npx tsx test/e2e/serve.ts`: starts the e2e pair of Workers (guest mode and auth on with
 * ADMIN, extracting through the stub LLM it starts too) and keeps them running until Ctrl+C, printing the variables that make
 * `npx vitest run --project e2e` reuse them instead of starting its own (faster iteration).
 */
import { startStubServer } from "../../tools/stub-llm/server.mjs";
import { startE2EWorker, stubExtractVars } from "./harness";

const stub = await startStubServer({ port: 0 });
const [guest, auth] = await Promise.all([
  startE2EWorker(),
  startE2EWorker({ auth: true, vars: stubExtractVars(stub.url) }),
]);
console.log(`E2E_GUEST_BASE=${guest.base} E2E_AUTH_BASE=${auth.base} E2E_STUB_LLM=${stub.url}`);
const stop = () => {
  guest.stop();
  auth.stop();
  void stub.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => undefined, 60_000);
