/**
 * `npm run deploy:staging` / `npm run deploy:production` (or `npm run deploy -- --env X`):
 * checks the configuration, applies the remote D1 migrations, deploys the Worker with
 * `wrangler deploy --env X`, then runs the health check against the environment's URL.
 * Secrets are never part of a deploy: set them once with `wrangler secret put NAME --env X`.
 */
import { commonArgs, fail, run, wranglerEnv } from "./ops/cli";

const { env, values } = commonArgs({ "skip-health": { type: "boolean", default: false } }, false);
if (env === "local") fail("deploy needs --env staging or --env production (local runs with npm start)");
const flags = wranglerEnv(env);

if (run("npx", ["tsx", "scripts/validate.ts", "--env", env]) !== 0)
  fail(`configuration of ${env} is not valid`);
if (run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--remote", ...flags]) !== 0) {
  fail("remote D1 migrations failed; the Worker was not deployed");
}
// /docs loads Swagger UI from the static assets: copy it from node_modules before uploading them.
if (run("npx", ["tsx", "scripts/vendor-docs.ts"]) !== 0)
  fail("could not copy Swagger UI into public/vendor/");
if (run("npx", ["wrangler", "deploy", ...flags]) !== 0) fail("wrangler deploy failed");
if (!values["skip-health"] && process.env[`LIGHTRAG_${env.toUpperCase()}_URL`]) {
  // Give the new version a moment to reach every location before judging it.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const code = run("npx", ["tsx", "scripts/health-check.ts", "--env", env, "--comprehensive"]);
  if (code !== 0) fail(`deployed, but the health check failed: consider npm run rollback -- --env ${env}`);
}
