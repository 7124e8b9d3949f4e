/** Core server settings: environment, logging, feature switches, HTTP limits, storage choice. */
import { z } from "zod";
import { bool, csvList, nonNegativeInt, optionalText, positiveInt } from "./fields";

const MiB = 1024 * 1024;

const logLevel = z
  .string()
  .trim()
  .toUpperCase()
  .transform((value) => (value === "WARN" ? "WARNING" : value))
  .pipe(z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]))
  .default("INFO");

const origins = csvList("*")
  .refine((list) => list.length > 0, "must name at least one origin or *")
  .refine(
    (list) => list.every((origin) => origin === "*" || /^https?:\/\/[^/\s]+$/.test(origin)),
    "each origin must be * or scheme://host[:port] without a path",
  );

/** Workspace names are used in storage keys and Durable Object names. */
export const WORKSPACE_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

export const serverFields = {
  NODE_ENV: z.enum(["development", "staging", "production"]).default("development"),
  DEBUG: bool(false),
  LOG_LEVEL: logLevel,
  AUTH_ENABLED: bool(true),
  RATE_LIMIT_ENABLED: bool(true),
  AUDIT_LOGGING_ENABLED: bool(true),
  READ_ONLY_MODE: bool(false),
  DISABLE_DOCUMENT_UPLOAD: bool(false),
  ENABLE_QUERIES: bool(true),
  ENABLE_DOCUMENT_PROCESSING: bool(true),
  ENHANCED_PROCESSING: bool(true),
  MCP_SERVER_ENABLED: bool(false),
  JWT_SECRET_KEY: optionalText,
  CORS_ORIGINS: origins,
  MAX_REQUEST_BODY_BYTES: positiveInt(1 * MiB),
  /** Requests of one isolate handled at once, the rest wait (0: no limit); src/http/middleware/concurrency-gate.ts. */
  MAX_CONCURRENT_REQUESTS: nonNegativeInt(0),
  /** How long an isolate sums metric samples before one aggregator call (src/observability/metrics-buffer.ts). */
  METRICS_WINDOW_MS: nonNegativeInt(1000),
  /** How long an isolate sums LLM usage rows before one write (0: each at once); src/observability/usage-buffer.ts. */
  USAGE_WINDOW_MS: nonNegativeInt(1000),
  /**
   * Storage calls pause 1 ms every 20 ms of an entry point's work (src/runtime/paced-bindings.ts),
   * so the local runtime, where the Worker and every Durable Object share one thread, keeps
   * reading its sockets. Local vars only: production has no such thread to share.
   */
  LOCAL_RUNTIME_PACING: bool(false),
  MAX_TEXT_BODY_BYTES: positiveInt(50 * MiB),
  MAX_UPLOAD_SIZE: positiveInt(100 * MiB),
  /** Text one upload may yield (PDF, DOCX, HTML, text); also bounds how far an archive may inflate. */
  MAX_EXTRACTED_TEXT_BYTES: positiveInt(10 * MiB),
  WORKSPACE: z
    .string()
    .trim()
    .regex(WORKSPACE_PATTERN, "letters, digits and underscores only, at most 64")
    .default("default"),
  TRUSTED_PROXY: bool(false),
  // Backends this version implements. The planned ones are refused by name, so a config asking
  // for them fails at start-up instead of silently running on D1 and the local index.
  /** `neon`: every engine store on Postgres (DATABASE_URL); docs/postgres.md. */
  STORAGE_BACKEND: z.enum(["d1", "neon"]).default("d1"),
  VECTOR_BACKEND: z
    .enum(["local", "vectorize", "pgvector"])
    .default("local")
    .refine(
      (value) => ["local", "vectorize", "pgvector"].includes(value),
      "local (the VectorIndex Durable Objects), vectorize or pgvector",
    ),
  /** Account of the Vectorize indexes: list-vectors is a REST call (VECTOR_BACKEND=vectorize). */
  VECTORIZE_ACCOUNT_ID: optionalText,
  /** API token with Vectorize Read, for list-vectors (a secret). */
  VECTORIZE_API_TOKEN: optionalText,
  /** Index names for list-vectors; `{namespace}` is entities, relations or chunks. */
  VECTORIZE_INDEX_NAME_TEMPLATE: z
    .string()
    .trim()
    .refine((value) => value.includes("{namespace}"), "must contain {namespace}")
    .default("lightrag-edge-{namespace}-dev"),
  /** Postgres connection string (a secret: `wrangler secret put DATABASE_URL`); required by STORAGE_BACKEND=neon. */
  DATABASE_URL: optionalText,
  /**
   * WebSocket-to-TCP proxy of a local Postgres (tools/pg-local: `127.0.0.1:5434/v2`), for
   * development and tests only; unset on Neon, whose own proxy the driver finds.
   */
  PG_WS_PROXY: optionalText,
  WEBUI_TITLE: z.string().default("lightrag-edge"),
  WEBUI_DESCRIPTION: z.string().default("Graph RAG on the edge"),
};

/** The Vectorize binding of each vector namespace, as wrangler.toml names them. */
export const VECTORIZE_BINDINGS = {
  entities: "VECTORIZE_ENTITIES",
  relations: "VECTORIZE_RELATIONS",
  chunks: "VECTORIZE_CHUNKS",
} as const;

/**
 * What the selected vector backend lacks in `env`, one problem per missing binding or setting,
 * so start-up refuses the backend by name instead of failing on the first vector call.
 *
 * @example
 * vectorBackendProblems({ VECTOR_BACKEND: "vectorize", ... }, env); // ["VECTORIZE_CHUNKS: binding missing …"]
 */
export function vectorBackendProblems(
  config: {
    VECTOR_BACKEND: string;
    VECTORIZE_ACCOUNT_ID?: string | undefined;
    VECTORIZE_API_TOKEN?: string | undefined;
  },
  env: Record<string, unknown>,
): string[] {
  if (config.VECTOR_BACKEND !== "vectorize") return [];
  const problems: string[] = [];
  for (const name of Object.values(VECTORIZE_BINDINGS)) {
    const binding = env[name] as { query?: unknown } | undefined;
    if (typeof binding?.query !== "function")
      problems.push(
        `${name}: binding missing (VECTOR_BACKEND=vectorize needs a [[vectorize]] binding named ${name})`,
      );
  }
  if (!config.VECTORIZE_ACCOUNT_ID)
    problems.push(
      "VECTORIZE_ACCOUNT_ID: is required when VECTOR_BACKEND=vectorize (list-vectors is a REST call)",
    );
  if (!config.VECTORIZE_API_TOKEN)
    problems.push(
      "VECTORIZE_API_TOKEN: is required when VECTOR_BACKEND=vectorize (wrangler secret put VECTORIZE_API_TOKEN)",
    );
  return problems;
}

/**
 * Bindings the selected storage and vector backends stand on, missing from the Worker's `env`:
 * D1's `DB` on every backend (STORAGE_BACKEND=neon still backs up and restores through it) and
 * the `VECTOR_INDEX` Durable Object namespace of VECTOR_BACKEND=local. Checked on the
 * Worker's own env only (`loadConfig`): hand-built test envs have no bindings.
 *
 * @example
 * backendBindingProblems(config, env); // ["VECTOR_INDEX: binding missing (VECTOR_BACKEND=local …)"]
 */
export function backendBindingProblems(
  config: { STORAGE_BACKEND: "d1" | "neon"; VECTOR_BACKEND: string },
  env: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const db = env.DB as { prepare?: unknown } | undefined;
  if (typeof db?.prepare !== "function") {
    problems.push(
      config.STORAGE_BACKEND === "d1"
        ? "DB: binding missing (STORAGE_BACKEND=d1 keeps every table in a [[d1_databases]] binding named DB)"
        : "DB: binding missing (STORAGE_BACKEND=neon still backs up and restores through a [[d1_databases]] binding named DB)",
    );
  }
  const index = env.VECTOR_INDEX as { idFromName?: unknown } | undefined;
  if (config.VECTOR_BACKEND === "local" && typeof index?.idFromName !== "function") {
    problems.push(
      "VECTOR_INDEX: binding missing (VECTOR_BACKEND=local needs the VectorIndex Durable Object binding named VECTOR_INDEX)",
    );
  }
  return problems;
}

/**
 * Storage choices that cannot work: a backend whose secret is missing, or pgvector without the
 * Postgres it lives in. Each problem names the variable, and start-up refuses to serve.
 *
 * @example
 * storageProblems(config); // ["DATABASE_URL: is required when STORAGE_BACKEND=neon (wrangler secret put DATABASE_URL)"]
 */
export function storageProblems(config: {
  STORAGE_BACKEND: "d1" | "neon";
  VECTOR_BACKEND: string;
  DATABASE_URL?: string;
  NODE_ENV: string;
  PG_WS_PROXY?: string;
}): string[] {
  const problems: string[] = [];
  if (config.STORAGE_BACKEND === "neon" && !config.DATABASE_URL) {
    problems.push("DATABASE_URL: is required when STORAGE_BACKEND=neon (wrangler secret put DATABASE_URL)");
  }
  if (config.VECTOR_BACKEND === "pgvector" && config.STORAGE_BACKEND !== "neon") {
    problems.push(
      "VECTOR_BACKEND: pgvector keeps vectors in the Postgres of STORAGE_BACKEND=neon, which is not selected",
    );
  }
  if (config.PG_WS_PROXY && config.NODE_ENV === "production") {
    problems.push(
      "PG_WS_PROXY: is a local development proxy (plain ws://, no TLS) and must be unset in production",
    );
  }
  return problems;
}
