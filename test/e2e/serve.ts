/**
 * `npx tsx test/e2e/serve.ts`: starts the e2e pair of Workers (guest mode and auth on with
 * ADMIN) and keeps them running until Ctrl+C, printing the variables that make
 * `npx vitest run --project e2e` reuse them instead of starting its own (faster iteration).
 */
import { startE2EWorker } from "./harness";

const [guest, auth] = await Promise.all([startE2EWorker(), startE2EWorker({ auth: true })]);
console.log(`E2E_GUEST_BASE=${guest.base} E2E_AUTH_BASE=${auth.base}`);
const stop = () => {
  guest.stop();
  auth.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => undefined, 60_000);
