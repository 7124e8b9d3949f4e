/**
 * Turns the Worker's env (vars and secrets, all strings) into one typed, validated `Config`.
 *
 * Validation happens once per env object and never throws: a bad value or an insecure
 * production setting becomes a `problem` naming the variable, and the app then answers 503
 * everywhere except the health routes, which report the problems.
 */
import { z } from "zod";
import { authFields, insecureAuthSettings } from "./auth";
import { llmFields } from "./llm";
import { observabilityFields, observabilityProblems } from "./observability";
import { opsFields } from "./ops";
import { queryFields } from "./query";
import { ragFields, ragProblems } from "./rag";
import { ratelimitFields, ratelimitProblems } from "./ratelimit";
import { rerankFields } from "./rerank";
import { backendBindingProblems, serverFields, storageProblems, vectorBackendProblems } from "./server";

/** Variables whose values are never echoed back, even in an error message. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|DATABASE_URL/;

/** Minimum JWT secret length; shorter secrets can be brute-forced offline from one token. */
export const MIN_JWT_SECRET_LENGTH = 32;

/** Every variable the service reads; each domain declares its own fields in a file beside this one. */
const schema = z.object({
  ...serverFields,
  ...llmFields,
  ...ratelimitFields,
  ...ragFields,
  ...authFields,
  ...observabilityFields,
  ...queryFields,
  ...rerankFields,
  ...opsFields,
});

/** The validated configuration every module reads. */
export type Config = z.infer<typeof schema>;

/** Outcome of validation: `config` is null only when a value could not be parsed. */
export interface ConfigResult {
  config: Config | null;
  /** Human-readable reasons the service refuses to serve; empty when it is good to go. */
  problems: string[];
}

const cache = new WeakMap<object, ConfigResult>();

/**
 * Validates `env` once and memoises the result for that env object.
 *
 * @example
 * const { config, problems } = loadConfig(env);
 * if (problems.length > 0) return serviceUnavailable(problems);
 */
export function loadConfig(env: object): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = parseConfig(env as Record<string, unknown>);
  // The Worker's own env: the selected backends' bindings must be there too.
  const result = parsed.config
    ? {
        ...parsed,
        problems: [
          ...parsed.problems,
          ...backendBindingProblems(parsed.config, env as Record<string, unknown>),
        ],
      }
    : parsed;
  cache.set(env, result);
  return result;
}

/** Validation without memoisation, for tests and tools that build env objects by hand. */
export function parseConfig(env: Record<string, unknown>): ConfigResult {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) input[key] = asText(env[key]);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return { config: null, problems: parsed.error.issues.map(describeIssue) };
  }
  return {
    config: parsed.data,
    problems: [
      ...insecureProductionSettings(parsed.data),
      ...insecureAuthSettings(parsed.data),
      ...ratelimitProblems(parsed.data),
      ...ragProblems(parsed.data),
      ...vectorBackendProblems(parsed.data, env),
      ...storageProblems(parsed.data),
      ...observabilityProblems(parsed.data),
    ],
  };
}

function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "[object]";
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const name = String(issue.path[0] ?? "config");
  const message = SECRET_NAME.test(name) ? issue.message.replace(/received .*/i, "").trim() : issue.message;
  return `${name}: ${message}`;
}

/** Settings that are fine on a laptop and dangerous on the internet. */
function insecureProductionSettings(config: Config): string[] {
  // Open mode (LightRAG's guest admin) is for a developer's machine only: staging is reachable too.
  if (config.NODE_ENV === "development") return [];
  if (config.NODE_ENV === "staging") {
    return config.AUTH_ENABLED ? [] : ["AUTH_ENABLED: must be true outside development"];
  }
  const problems: string[] = [];
  if (!config.AUTH_ENABLED) problems.push("AUTH_ENABLED: must be true outside development");
  if (!config.JWT_SECRET_KEY) {
    problems.push("JWT_SECRET_KEY: is required in production (wrangler secret put JWT_SECRET_KEY)");
  } else if (config.JWT_SECRET_KEY.length < MIN_JWT_SECRET_LENGTH) {
    problems.push(`JWT_SECRET_KEY: must be at least ${MIN_JWT_SECRET_LENGTH} characters in production`);
  }
  if (config.DEBUG) problems.push("DEBUG: must be false in production");
  return problems;
}
