/**
 * `npm run canary -- --env production [--percent 10] [--observe-minutes 10]`: a canary
 * deployment over wrangler versions. Applies the remote D1 migrations (they must be
 * backward compatible: both versions run at once), uploads a new version, sends it a share of
 * the traffic, watches its `/health/ready` (pinned to the new version with
 * `Cloudflare-Workers-Version-Overrides`), the 5xx rate and auth failures from `/metrics`
 * and a synthetic authenticated probe; then promotes it to 100% or rolls back to the stable
 * version, as `scripts/ops/canary-decision.ts` decides. Durable Object migrations cannot go
 * through gradual deployments: use `npm run deploy:<env>` for those.
 */
import { readFileSync } from "node:fs";
import { type CanaryReading, DEFAULT_POLICY, decide } from "./ops/canary-decision";
import { call, capture, commonArgs, fail, operatorHeaders, run, wranglerEnv } from "./ops/cli";
import { canaryTotals, parsePrometheus } from "./ops/prometheus";

const { env, url, values } = commonArgs({
  percent: { type: "string", default: "10" },
  "observe-minutes": { type: "string", default: "10" },
  "interval-seconds": { type: "string", default: "30" },
  message: { type: "string", default: "canary" },
  "skip-migrations": { type: "boolean", default: false },
});
if (env === "local") fail("a canary needs --env staging or --env production");
const percent = Number(values.percent);
if (!(percent > 0 && percent < 100)) fail("--percent must be between 0 and 100");
const policy = { ...DEFAULT_POLICY, observeMs: Number(values["observe-minutes"]) * 60_000 };
const intervalMs = Number(values["interval-seconds"]) * 1000;
const message = String(values.message);
const flags = wranglerEnv(env);

/** The Worker's name in this environment, from wrangler.toml. */
function workerName(): string {
  const toml = readFileSync("wrangler.toml", "utf8");
  const section = toml.split(/^\[env\./m).find((part) => part.startsWith(`${env}]`));
  const name = section ? /^name\s*=\s*"([^"]+)"/m.exec(section)?.[1] : undefined;
  if (!name) fail(`no name in [env.${env}] of wrangler.toml`);
  return name;
}

/** The version now serving 100% (the rollback target). */
function stableVersion(): string {
  const status = JSON.parse(capture("npx", ["wrangler", "deployments", "status", "--json", ...flags])) as {
    versions?: { version_id?: string; percentage?: number }[];
  };
  const versions = status.versions ?? [];
  const stable = versions.find((v) => v.percentage === 100) ?? versions[0];
  if (!stable?.version_id) fail("could not read the current deployment (wrangler deployments status)");
  if (versions.length > 1) fail("a gradual deployment is already in progress; finish or roll it back first");
  return stable.version_id;
}

function uploadVersion(): string {
  const out = capture("npx", ["wrangler", "versions", "upload", "--message", message, ...flags]);
  const id = /Version ID:\s*([0-9a-f-]{36})/i.exec(out)?.[1];
  if (!id) fail(`could not find the new version id in:\n${out}`);
  return id;
}

function deploy(specs: string[], why: string): void {
  const code = run("npx", ["wrangler", "versions", "deploy", ...specs, "--yes", "--message", why, ...flags]);
  if (code !== 0) fail(`wrangler versions deploy ${specs.join(" ")} failed`);
}

async function scrape(): Promise<ReturnType<typeof canaryTotals> | null> {
  const token = process.env.METRICS_TOKEN;
  const headers = token ? { Authorization: `Bearer ${token}` } : operatorHeaders();
  const res = await call(`${url}/metrics`, { headers });
  return res.status === 200 ? canaryTotals(parsePrometheus(res.text)) : null;
}

async function observe(pin: Record<string, string>, previous: ReturnType<typeof canaryTotals> | null) {
  const ready = await call(`${url}/health/ready`, { headers: pin });
  const checks = (
    (ready.body as { checks?: { name: string; status: string }[] } | null)?.checks ?? []
  ).filter((check) => check.name === "d1");
  let authProbeFailed = false;
  if (process.env.LIGHTRAG_API_KEY) {
    const me = await call(`${url}/auth/me`, { headers: { ...pin, ...operatorHeaders() } });
    authProbeFailed = me.status === 0 || me.status >= 500 || me.status === 401;
  }
  const totals = await scrape();
  const delta = (key: keyof ReturnType<typeof canaryTotals>) =>
    totals && previous ? Math.max(0, totals[key] - previous[key]) : 0;
  const reading: CanaryReading = {
    at: Date.now(),
    ready: ready.status === 200,
    database: checks.length > 0 && checks.every((check) => check.status === "pass"),
    requests: delta("requests"),
    errors: delta("errors"),
    authAttempts: delta("authAttempts"),
    authFailures: delta("authFailures"),
    authProbeFailed,
  };
  return { reading, totals: totals ?? previous };
}

const name = workerName();
const stable = stableVersion();
if (!values["skip-migrations"]) {
  if (run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--remote", ...flags]) !== 0) {
    fail("remote D1 migrations failed; nothing was deployed");
  }
}
const canary = uploadVersion();
console.error(`canary ${canary} at ${percent}%, stable ${stable}`);
deploy([`${canary}@${percent}%`, `${stable}@${100 - percent}%`], `${message} (canary ${percent}%)`);

const pin = { "Cloudflare-Workers-Version-Overrides": `${name}="${canary}"` };
const readings: CanaryReading[] = [];
const startedAt = Date.now();
let totals = await scrape();
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const observed = await observe(pin, totals);
  totals = observed.totals;
  readings.push(observed.reading);
  const decision = decide(readings, policy, startedAt, Date.now());
  console.error(JSON.stringify({ ...observed.reading, decision }));
  if (decision.action === "rollback") {
    deploy([`${stable}@100%`], `canary rollback: ${decision.reason}`);
    console.error(`ROLLED BACK to ${stable}: ${decision.reason}`);
    process.exit(1);
  }
  if (decision.action === "promote") {
    deploy([`${canary}@100%`], `${message} (promoted)`);
    console.error(`PROMOTED ${canary}`);
    process.exit(0);
  }
}
