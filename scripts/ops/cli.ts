/**
 * Shared plumbing of the operator scripts: arguments, the URL of each environment, running
 * wrangler, and HTTP calls with the operator's credentials (from the environment, never argv).
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

export type Environment = "local" | "staging" | "production";

export interface CommonArgs {
  env: Environment;
  url: string;
  values: Record<string, string | boolean | undefined>;
}

const DEFAULT_URLS: Record<Environment, string | undefined> = {
  local: "http://127.0.0.1:9621",
  staging: process.env.LIGHTRAG_STAGING_URL,
  production: process.env.LIGHTRAG_PRODUCTION_URL,
};

/**
 * Parses `--env` (default local), `--url` and the script's own flags.
 *
 * @example
 * const { env, url, values } = commonArgs({ comprehensive: { type: "boolean" } });
 */
export function commonArgs(
  extra: Record<string, { type: "string" | "boolean"; short?: string; default?: string | boolean }> = {},
  needsUrl = true,
): CommonArgs {
  const { values } = parseArgs({
    options: { env: { type: "string", short: "e", default: "local" }, url: { type: "string" }, ...extra },
    allowPositionals: true,
  });
  const env = String(values.env);
  if (env !== "local" && env !== "staging" && env !== "production") {
    fail(`--env must be local, staging or production, not ${env}`);
  }
  const url = (values.url as string | undefined) ?? DEFAULT_URLS[env as Environment] ?? "";
  if (!url && needsUrl) fail(`no URL for ${env}: pass --url or set LIGHTRAG_${env.toUpperCase()}_URL`);
  return { env: env as Environment, url: url.replace(/\/$/, ""), values: values as CommonArgs["values"] };
}

export function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

/** `--env` for wrangler: the top level of wrangler.toml is local development. */
export function wranglerEnv(env: Environment): string[] {
  return env === "local" ? [] : ["--env", env];
}

/** Runs a command with inherited output; returns its exit code. */
export function run(command: string, args: string[]): number {
  console.error(`$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  return result.status ?? 1;
}

/** Runs a command and returns its stdout; throws with stderr on failure. */
export function capture(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/**
 * Headers of an operator request inside one workspace: `LIGHTRAG_API_KEY` (an administrator API
 * key of that workspace) when set. Enough for health, `/auth/me` and reading `/admin/flags`.
 */
export function operatorHeaders(): Record<string, string> {
  const key = process.env.LIGHTRAG_API_KEY;
  return key ? { "X-API-Key": key } : {};
}

/**
 * Headers for deployment-wide admin routes (backups, changing flags), which no API key may use:
 * a bearer token of the administrator account `LIGHTRAG_ADMIN_USERNAME` /
 * `LIGHTRAG_ADMIN_PASSWORD` (one login per run). Without them, `operatorHeaders()` (enough in
 * open mode, locally).
 *
 * @example
 * const headers = await administratorHeaders(url);
 */
export async function administratorHeaders(url: string): Promise<Record<string, string>> {
  const username = process.env.LIGHTRAG_ADMIN_USERNAME;
  const password = process.env.LIGHTRAG_ADMIN_PASSWORD;
  if (!username || !password) return operatorHeaders();
  const login = await call(`${url}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const token = (login.body as { access_token?: string } | null)?.access_token;
  if (login.status !== 200 || !token) fail(`administrator login answered ${login.status}`);
  return { Authorization: `Bearer ${token}` };
}

/** A GET/POST with a timeout; network errors become `{ status: 0 }`. */
export async function call(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<{ status: number; body: unknown; text: string; ms: number }> {
  const started = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 10_000) });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: res.status, body, text, ms: Date.now() - started };
  } catch (error) {
    return { status: 0, body: null, text: String(error), ms: Date.now() - started };
  }
}
