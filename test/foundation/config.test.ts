import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Config, loadConfig, MIN_JWT_SECRET_LENGTH, parseConfig } from "../../src/config";
import type { Env } from "../../src/env";
import { defaultFlags } from "../../src/flags/names";
import { createServices } from "../../src/runtime";

const strongSecret = "s".repeat(MIN_JWT_SECRET_LENGTH);

describe("config", () => {
  it("fills every default from an empty env", () => {
    const { config, problems } = parseConfig({});
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      NODE_ENV: "development",
      LOG_LEVEL: "INFO",
      AUTH_ENABLED: true,
      RATE_LIMIT_ENABLED: true,
      AUDIT_LOGGING_ENABLED: true,
      READ_ONLY_MODE: false,
      CORS_ORIGINS: ["*"],
      MAX_REQUEST_BODY_BYTES: 1024 * 1024,
      WORKSPACE: "default",
      LLM_BINDING: "local",
      EMBEDDING_BINDING: "local",
    });
  });

  it("parses booleans, numbers, lists and log levels in their usual spellings", () => {
    const { config } = parseConfig({
      AUTH_ENABLED: "off",
      READ_ONLY_MODE: "YES",
      DEBUG: 1,
      LOG_LEVEL: "warn",
      MAX_REQUEST_BODY_BYTES: "2048",
      CORS_ORIGINS: "https://a.example.com, http://localhost:5173",
    });
    expect(config?.AUTH_ENABLED).toBe(false);
    expect(config?.READ_ONLY_MODE).toBe(true);
    expect(config?.DEBUG).toBe(true);
    expect(config?.LOG_LEVEL).toBe("WARNING");
    expect(config?.MAX_REQUEST_BODY_BYTES).toBe(2048);
    expect(config?.CORS_ORIGINS).toEqual(["https://a.example.com", "http://localhost:5173"]);
  });

  it("treats an empty value as unset", () => {
    expect(parseConfig({ AUTH_ENABLED: "", LOG_LEVEL: "  " }).config).toMatchObject({
      AUTH_ENABLED: true,
      LOG_LEVEL: "INFO",
    });
  });

  it.each([
    ["LOG_LEVEL", "LOUD"],
    ["AUTH_ENABLED", "maybe"],
    ["NODE_ENV", "prod"],
    ["MAX_REQUEST_BODY_BYTES", "-5"],
    ["MAX_UPLOAD_SIZE", "lots"],
    ["CORS_ORIGINS", "https://a.example.com/path"],
    ["WORKSPACE", "../etc"],
  ])("names %s when its value %j is bad", (name, value) => {
    const { config, problems } = parseConfig({ [name]: value });
    expect(config).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it("refuses backends this version does not implement, by name, instead of ignoring them", () => {
    // Every declared backend is implemented: a value outside the list is refused by name.
    const { config, problems } = parseConfig({ STORAGE_BACKEND: "mongo", VECTOR_BACKEND: "faiss" });
    expect(config).toBeNull();
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith("STORAGE_BACKEND:"))).toBeDefined();
    expect(problems.find((p) => p.startsWith("VECTOR_BACKEND:"))).toBeDefined();
    expect(parseConfig({ STORAGE_BACKEND: "d1", VECTOR_BACKEND: "local" }).problems).toEqual([]);
  });

  it("takes Postgres and pgvector, refusing them without the secret or the database they need", () => {
    expect(parseConfig({ STORAGE_BACKEND: "neon" }).problems).toEqual([
      "DATABASE_URL: is required when STORAGE_BACKEND=neon (wrangler secret put DATABASE_URL)",
    ]);
    expect(parseConfig({ VECTOR_BACKEND: "pgvector" }).problems).toEqual([
      "VECTOR_BACKEND: pgvector keeps vectors in the Postgres of STORAGE_BACKEND=neon, which is not selected",
    ]);
    const url = "postgres://user:secret-password@db.example.com/app";
    const ok = parseConfig({ STORAGE_BACKEND: "neon", VECTOR_BACKEND: "pgvector", DATABASE_URL: url });
    expect(ok.problems).toEqual([]);
    expect(ok.config).toMatchObject({
      STORAGE_BACKEND: "neon",
      VECTOR_BACKEND: "pgvector",
      DATABASE_URL: url,
    });
    expect(
      parseConfig({
        STORAGE_BACKEND: "neon",
        DATABASE_URL: url,
        PG_WS_PROXY: "127.0.0.1:5434/v2",
        NODE_ENV: "production",
      }).problems,
    ).toContain(
      "PG_WS_PROXY: is a local development proxy (plain ws://, no TLS) and must be unset in production",
    );
  });

  it("reports every bad variable at once", () => {
    const { problems } = parseConfig({ LOG_LEVEL: "LOUD", AUTH_ENABLED: "maybe" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["AUTH_ENABLED", "LOG_LEVEL"]);
  });

  it("refuses insecure production settings with one reason each", () => {
    const { config, problems } = parseConfig({
      NODE_ENV: "production",
      AUTH_ENABLED: "false",
      DEBUG: "true",
    });
    expect(config).not.toBeNull();
    expect(problems).toEqual([
      "AUTH_ENABLED: must be true outside development",
      "JWT_SECRET_KEY: is required in production (wrangler secret put JWT_SECRET_KEY)",
      "DEBUG: must be false in production",
    ]);
  });

  it("refuses a short JWT secret in production without echoing it", () => {
    const secret = "short-secret-value";
    const { problems } = parseConfig({ NODE_ENV: "production", JWT_SECRET_KEY: secret });
    expect(problems).toEqual([
      `JWT_SECRET_KEY: must be at least ${MIN_JWT_SECRET_LENGTH} characters in production`,
    ]);
    expect(problems.join(" ")).not.toContain(secret);
  });

  it("accepts a secure production configuration", () => {
    expect(parseConfig({ NODE_ENV: "production", JWT_SECRET_KEY: strongSecret }).problems).toEqual([]);
  });

  it("allows open mode (auth off) in development only", () => {
    expect(parseConfig({ NODE_ENV: "development", AUTH_ENABLED: "false" }).problems).toEqual([]);
    expect(parseConfig({ NODE_ENV: "staging", AUTH_ENABLED: "false" }).problems).toEqual([
      "AUTH_ENABLED: must be true outside development",
    ]);
  });

  it("refuses at start-up a selected backend whose binding is missing, naming the binding", () => {
    const worker = env as unknown as Record<string, unknown>;
    expect(loadConfig({ ...worker }).problems).toEqual([]);
    expect(loadConfig({ ...worker, VECTOR_INDEX: undefined }).problems).toEqual([
      "VECTOR_INDEX: binding missing (VECTOR_BACKEND=local needs the VectorIndex Durable Object binding named VECTOR_INDEX)",
    ]);
    // Vectorize needs no VectorIndex; D1 is needed by every backend (accounts stay there on neon).
    expect(
      loadConfig({
        ...worker,
        VECTOR_INDEX: undefined,
        DB: undefined,
        STORAGE_BACKEND: "neon",
        DATABASE_URL: "postgres://u:p@db.example.com/app",
        VECTOR_BACKEND: "pgvector",
      }).problems,
    ).toEqual([
      "DB: binding missing (STORAGE_BACKEND=neon still backs up and restores through a [[d1_databases]] binding named DB)",
    ]);
    expect(loadConfig({ ...worker, DB: undefined }).problems).toEqual([
      "DB: binding missing (STORAGE_BACKEND=d1 keeps every table in a [[d1_databases]] binding named DB)",
    ]);
  });

  it("validates an env object once", () => {
    const env = { LOG_LEVEL: "DEBUG" };
    const first = loadConfig(env);
    env.LOG_LEVEL = "ERROR";
    expect(loadConfig(env)).toBe(first);
    expect(loadConfig({ ...env }).config?.LOG_LEVEL).toBe("ERROR");
  });

  it("builds the D1 stores once per isolate (env and config); flags and the rest stay per entry point", () => {
    const workerEnv = env as unknown as Env;
    // As deployed: wrangler.toml's local vars pace storage calls (LOCAL_RUNTIME_PACING), production does not.
    const config: Config = { ...(loadConfig(workerEnv).config as Config), LOCAL_RUNTIME_PACING: false };
    const first = createServices(workerEnv, config, defaultFlags(config));
    const second = createServices(workerEnv, config, { ...defaultFlags(config), ENHANCED_PROCESSING: false });
    expect(second.stores).toBe(first.stores);
    expect(second.accounts).toBe(first.accounts);
    expect(second.llmCache).toBe(first.llmCache);
    expect(second.audit).toBe(first.audit);
    // What depends on the entry point's flags and logger is its own.
    expect(second.engine).not.toBe(first.engine);
    expect(second.query).not.toBe(first.query);
    // Another config (another env object) gets its own stores; so does Vectorize, whose store
    // remembers the mutations its entry point sent.
    const other = { ...config };
    expect(createServices(workerEnv, other, defaultFlags(other)).stores).not.toBe(first.stores);
    const vectorize: Config = { ...config, VECTOR_BACKEND: "vectorize" };
    expect(createServices(workerEnv, vectorize, defaultFlags(vectorize)).stores).not.toBe(
      createServices(workerEnv, vectorize, defaultFlags(vectorize)).stores,
    );
    // Paced bindings belong to their entry point, and so do the stores built on them.
    const paced: Config = { ...config, LOCAL_RUNTIME_PACING: true };
    expect(createServices(workerEnv, paced, defaultFlags(paced)).stores).not.toBe(
      createServices(workerEnv, paced, defaultFlags(paced)).stores,
    );
  });
});
