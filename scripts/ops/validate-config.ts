/**
 * Checks one environment of wrangler.toml before a deploy: its vars pass the service's own
 * config validation (with the production rules), every binding of the top level exists there
 * too, Durable Object classes are in the migrations, placeholder ids are replaced, the cron
 * triggers are declared, Workers Logs and Logpush carry the logs of deployed environments, and
 * the required secrets are set. Pure: text in, problems out.
 */
import { parse } from "smol-toml";
import { parseConfig } from "../../src/config";
import type { Environment } from "./cli";

type Table = Record<string, unknown>;

/** Secrets each deployed environment needs (`wrangler secret put NAME --env X`). */
export const REQUIRED_SECRETS: Record<Environment, string[]> = {
  local: [],
  staging: ["JWT_SECRET_KEY"],
  production: ["JWT_SECRET_KEY"],
};

const CRONS = ["0 1 * * *", "*/15 * * * *"];

function list(value: unknown): Table[] {
  return Array.isArray(value) ? (value as Table[]) : [];
}

function bindingNames(section: Table): string[] {
  const durable = (section.durable_objects as Table | undefined)?.bindings;
  const queues = (section.queues as Table | undefined)?.producers;
  return [
    ...list(section.d1_databases).map((b) => `d1:${b.binding}`),
    ...list(durable).map((b) => `durable_object:${b.name}=${b.class_name}`),
    ...list(queues).map((b) => `queue:${b.binding}`),
    ...list(section.kv_namespaces).map((b) => `kv:${b.binding}`),
    ...list(section.r2_buckets).map((b) => `r2:${b.binding}`),
    ...list(section.vectorize).map((b) => `vectorize:${b.binding}`),
    ...list(section.analytics_engine_datasets).map((b) => `analytics:${b.binding}`),
    ...(section.ai ? ["ai:AI"] : []),
  ].sort();
}

/**
 * Problems of environment `env`; empty when it is ready to deploy.
 *
 * @example
 * validateEnvironment(readFileSync("wrangler.toml", "utf8"), "production", ["JWT_SECRET_KEY"]);
 */
export function validateEnvironment(
  tomlText: string,
  env: Environment,
  secretNames: readonly string[] | null,
): string[] {
  const problems: string[] = [];
  const top = parse(tomlText) as Table;
  const section = env === "local" ? top : ((top.env as Table | undefined)?.[env] as Table | undefined);
  if (!section) return [`wrangler.toml has no [env.${env}] section`];

  const expected = bindingNames(top);
  const actual = new Set(bindingNames(section));
  for (const name of expected)
    if (!actual.has(name)) problems.push(`binding ${name} is missing in [env.${env}]`);

  const classes = new Set(
    list(top.migrations).flatMap((m) => (m.new_sqlite_classes as string[] | undefined) ?? []),
  );
  const durable = list((section.durable_objects as Table | undefined)?.bindings);
  for (const binding of durable) {
    if (!classes.has(String(binding.class_name))) {
      problems.push(`Durable Object class ${binding.class_name} is in no [[migrations]] new_sqlite_classes`);
    }
  }

  if (env !== "local" && /REPLACE_ME/.test(JSON.stringify(section))) {
    problems.push(
      `[env.${env}] still has REPLACE_ME ids: create the D1 database and KV namespace, paste their ids`,
    );
  }

  if (env !== "local") {
    // The audit trail's durable copy outside D1 is the SECURITY line: Workers Logs and Logpush carry it.
    if (section.logpush !== true) {
      problems.push(`logpush = true is missing in [env.${env}]: Logpush would not carry the audit lines`);
    }
    const observability = (section.observability ?? top.observability) as Table | undefined;
    if (observability?.enabled !== true) {
      problems.push(
        `[observability] enabled = true is missing for [env.${env}]: Workers Logs would drop the audit lines`,
      );
    }
  }

  const crons = ((section.triggers as Table | undefined)?.crons as string[] | undefined) ?? [];
  for (const cron of CRONS) if (!crons.includes(cron)) problems.push(`cron trigger "${cron}" is missing`);

  const vars = (section.vars as Table | undefined) ?? {};
  const needed = REQUIRED_SECRETS[env];
  if (secretNames) {
    for (const name of needed)
      if (!secretNames.includes(name))
        problems.push(`secret ${name} is not set (wrangler secret put ${name} --env ${env})`);
  }
  // Secret values are never read here: a set secret is stood in for by a valid-looking value.
  const standIns = Object.fromEntries((secretNames ?? needed).map((name) => [name, "x".repeat(48)]));
  // Bindings are not vars: each declared Vectorize binding is stood in for by an object with
  // query(), so VECTOR_BACKEND=vectorize is checked against what the environment declares.
  const vectorize = Object.fromEntries(
    list(section.vectorize).map((binding) => [String(binding.binding), { query: () => undefined }]),
  );
  const { problems: configProblems } = parseConfig({ ...vars, ...standIns, ...vectorize });
  problems.push(...configProblems.map((p) => `config: ${p}`));
  return problems;
}
