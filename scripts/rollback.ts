/**
 * `npm run rollback -- --env production [--version <id>] [--message why]`: emergency rollback
 * with `wrangler rollback` (to the previous version unless one is named), then the
 * comprehensive health check. D1 data is not rolled back: see docs/operations.md (Time Travel).
 */
import { commonArgs, fail, run, wranglerEnv } from "./ops/cli";

const { env, values } = commonArgs(
  {
    version: { type: "string" },
    message: { type: "string", default: "manual rollback" },
  },
  false,
);
if (env === "local") fail("rollback needs --env staging or --env production");
const args = ["wrangler", "rollback", ...(values.version ? [String(values.version)] : [])];
const code = run("npx", [...args, "--message", String(values.message), "--yes", ...wranglerEnv(env)]);
if (code !== 0) fail("wrangler rollback failed");
console.error(`Rollback of ${env} completed at ${new Date().toISOString()}`);
if (process.env[`LIGHTRAG_${env.toUpperCase()}_URL`]) {
  process.exit(run("npx", ["tsx", "scripts/health-check.ts", "--env", env, "--comprehensive"]));
}
