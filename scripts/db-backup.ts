/**
 * `npm run db:backup -- --env production`: starts a backup now (`POST /admin/backups`, needs
 * an administrator's `LIGHTRAG_API_KEY` unless the service runs in open mode) and waits until
 * it is written and verified. Locally, with `npm start` running: `npm run db:backup`.
 */
import { call, commonArgs, fail, operatorHeaders } from "./ops/cli";

const { url, values } = commonArgs({ "timeout-seconds": { type: "string", default: "900" } });
const started = await call(`${url}/admin/backups`, { method: "POST", headers: operatorHeaders() });
if (started.status !== 202)
  fail(`POST /admin/backups answered ${started.status}: ${started.text.slice(0, 300)}`);
const { id } = started.body as { id: string };
console.error(`backup ${id} queued`);
const deadline = Date.now() + Number(values["timeout-seconds"]) * 1000;
const began = Date.now();
while (Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const list = await call(`${url}/admin/backups`, { headers: operatorHeaders() });
  const backup = (list.body as { backups?: Record<string, unknown>[] } | null)?.backups?.find(
    (b) => b.id === id,
  );
  if (backup && backup.status !== "incomplete") {
    console.log(JSON.stringify({ ...backup, waited_ms: Date.now() - began }, null, 2));
    process.exit(backup.status === "verified" ? 0 : 1);
  }
}
fail(`backup ${id} did not finish in time; check npm run logs and GET /admin/backups`);
