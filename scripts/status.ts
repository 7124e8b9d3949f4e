/**
 * `npm run status -- --env production`: what is deployed (versions and traffic split), the
 * readiness of the service, its runtime flags and its latest backups, in one view.
 */
import { administratorHeaders, call, capture, commonArgs, operatorHeaders, wranglerEnv } from "./ops/cli";

const { env, url } = commonArgs();
const report: Record<string, unknown> = { environment: env, url };
if (env !== "local") {
  try {
    report.deployment = JSON.parse(
      capture("npx", ["wrangler", "deployments", "status", "--json", ...wranglerEnv(env)]),
    );
  } catch (error) {
    report.deployment = { error: error instanceof Error ? error.message.split("\n")[0] : String(error) };
  }
}
const ready = await call(`${url}/health/ready`);
report.ready = { status: ready.status, ms: ready.ms, body: ready.body };
const flags = await call(`${url}/admin/flags`, { headers: operatorHeaders() });
report.flags = flags.status === 200 ? (flags.body as { flags: unknown }).flags : { status: flags.status };
// Backups span every workspace: an administrator account (LIGHTRAG_ADMIN_USERNAME/PASSWORD), not a key.
const backups = await call(`${url}/admin/backups`, { headers: await administratorHeaders(url) });
report.backups =
  backups.status === 200
    ? ((backups.body as { backups: { id: string; status: string }[] }).backups ?? [])
        .slice(0, 5)
        .map((b) => `${b.id} ${b.status}`)
    : { status: backups.status };
console.log(JSON.stringify(report, null, 2));
process.exit(ready.status === 200 ? 0 : 1);
