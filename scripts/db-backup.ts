/**
 * `npm run db:backup -- --env production`: starts a backup now (`POST /admin/backups`, needs
 * an administrator account, `LIGHTRAG_ADMIN_USERNAME` / `LIGHTRAG_ADMIN_PASSWORD`, unless the
 * service runs in open mode: API keys never reach deployment-wide routes) and waits until it is
 * written and verified. Locally, with `npm start` running: `npm run db:backup`.
 */
import { administratorHeaders, call, commonArgs, fail } from "./ops/cli";

const { url, values } = commonArgs({ "timeout-seconds": { type: "string", default: "900" } });
const headers = await administratorHeaders(url);
const started = await call(`${url}/admin/backups`, { method: "POST", headers });
if (started.status !== 202)
  fail(`POST /admin/backups answered ${started.status}: ${started.text.slice(0, 300)}`);
const { id } = started.body as { id: string };
console.error(`backup ${id} queued`);
const deadline = Date.now() + Number(values["timeout-seconds"]) * 1000;
const began = Date.now();
while (Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const list = await call(`${url}/admin/backups`, { headers });
  const backup = (list.body as { backups?: Record<string, unknown>[] } | null)?.backups?.find(
    (b) => b.id === id,
  );
  if (backup && backup.status !== "incomplete") {
    console.log(JSON.stringify({ ...backup, waited_ms: Date.now() - began }, null, 2));
    process.exit(backup.status === "verified" ? 0 : 1);
  }
}
fail(`backup ${id} did not finish in time; check npm run logs and GET /admin/backups`);
