/** The dependency probes behind the health routes, built from the Worker's bindings. */
import type { Config } from "../../config";
import { VECTORIZE_BINDINGS } from "../../config/server";
import type { Env } from "../../env";
import { type HealthCheck, SKIP } from "../../observability/health";
import type { PipelineState } from "../../pipeline/coordinator";
import { createPgPool, pgQuery } from "../../storage/neon/client";

const PROBE_KEY = "health/probe";

export function configCheck(problems: string[]): HealthCheck {
  return {
    name: "config",
    critical: true,
    run: async () => {
      if (problems.length > 0) throw new Error(problems.join("; "));
    },
  };
}

export function d1Check(env: Env): HealthCheck {
  return {
    name: "d1",
    critical: true,
    run: async () => {
      await env.DB.prepare("SELECT 1 AS ok").first();
    },
  };
}

export function coordinatorCheck(
  env: Env,
  workspace: string,
): HealthCheck & { run(): Promise<PipelineState> } {
  return {
    name: "durable_objects",
    critical: true,
    run: () => env.COORDINATOR.get(env.COORDINATOR.idFromName(workspace)).ping(),
  };
}

/**
 * The selected vector backend: each Vectorize index answers describe(); the local index lives
 * in Durable Objects, whose namespace binding is all there is to check without waking one.
 */
export function vectorsCheck(env: Env, config: Config | null): HealthCheck {
  return {
    name: "vectors",
    critical: true,
    run: async () => {
      // pgvector lives in the Postgres that the `postgres_pgvector` check probes.
      if (config?.VECTOR_BACKEND === "pgvector") return;
      if (config?.VECTOR_BACKEND !== "vectorize") {
        if (!env.VECTOR_INDEX) throw new Error("VECTOR_INDEX binding missing");
        return;
      }
      await Promise.all(
        Object.values(VECTORIZE_BINDINGS).map(async (name) => {
          const binding = env[name] as { describe?: () => Promise<unknown> } | undefined;
          if (typeof binding?.describe !== "function") throw new Error(`${name} binding missing`);
          try {
            await binding.describe();
          } catch (error) {
            throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }),
      );
    },
  };
}

/** Probes of the non-critical bindings, reported by the deep `/health` only. */
export function dependencyChecks(env: Env, config: Config | null): HealthCheck[] {
  return [
    { name: "kv", critical: false, run: async () => void (await env.CACHE.get(PROBE_KEY)) },
    { name: "r2", critical: false, run: async () => void (await env.BACKUPS.head(PROBE_KEY)) },
    {
      name: "queue",
      critical: false,
      run: async () => {
        if (!env.INGEST_QUEUE) throw new Error("INGEST_QUEUE binding missing");
      },
    },
    {
      name: "workers_ai",
      critical: false,
      // A generation call costs money and quota; report presence, not a live call.
      run: async () => {
        const used = config?.LLM_BINDING === "workers-ai" || config?.EMBEDDING_BINDING === "workers-ai";
        if (!used) return SKIP;
        if (!env.AI) throw new Error("AI binding missing");
      },
    },
  ];
}

/**
 * The selected storage backends beyond D1: with STORAGE_BACKEND=neon, a `SELECT 1` on Postgres
 * (which also serves VECTOR_BACKEND=pgvector). Critical: the engine cannot read or write without it.
 *
 * @example
 * await runChecks([...storageChecks(config)]);
 */
export function storageChecks(config: Config | null): HealthCheck[] {
  if (config?.STORAGE_BACKEND !== "neon") return [];
  const { DATABASE_URL: connectionString, PG_WS_PROXY: wsProxy } = config;
  return [
    {
      name: config.VECTOR_BACKEND === "pgvector" ? "postgres_pgvector" : "postgres",
      critical: true,
      run: async () => {
        if (!connectionString) throw new Error("DATABASE_URL missing");
        const pool = createPgPool({ connectionString, wsProxy, max: 1 });
        try {
          await pgQuery(pool, "SELECT 1 AS ok");
        } finally {
          await pool.end();
        }
      },
    },
  ];
}
