/**
 * `npm run validate -- --env production [--check-secrets]`: checks an environment's config in
 * wrangler.toml (see scripts/ops/validate-config.ts) and that the Worker builds
 * (`wrangler deploy --dry-run`). `--check-secrets` asks Cloudflare which secrets are set.
 */
import { readFileSync } from "node:fs";
import { capture, commonArgs, run, wranglerEnv } from "./ops/cli";
import { validateEnvironment } from "./ops/validate-config";

const { env, values } = commonArgs(
  {
    "check-secrets": { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
  },
  false,
);
let secrets: string[] | null = null;
if (values["check-secrets"] && env !== "local") {
  const listed = JSON.parse(
    capture("npx", ["wrangler", "secret", "list", "--format", "json", ...wranglerEnv(env)]),
  );
  secrets = (listed as { name: string }[]).map((secret) => secret.name);
}
const problems = validateEnvironment(readFileSync("wrangler.toml", "utf8"), env, secrets);
if (!values["skip-build"]) {
  const code = run("npx", [
    "wrangler",
    "deploy",
    "--dry-run",
    "--outdir",
    ".wrangler/validate",
    ...wranglerEnv(env),
  ]);
  if (code !== 0) problems.push("wrangler deploy --dry-run failed: the Worker does not build");
}
for (const problem of problems) console.error(`✗ ${problem}`);
console.error(problems.length === 0 ? `✓ ${env} is valid` : `${problems.length} problem(s) in ${env}`);
process.exit(problems.length === 0 ? 0 : 1);
