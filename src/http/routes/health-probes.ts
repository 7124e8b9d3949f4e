/** The dependency probes behind the health routes, built from the Worker's bindings. */
import type { Config } from "../../config";
import type { Env } from "../../env";
import { type HealthCheck, SKIP } from "../../observability/health";
import type { PipelineState } from "../../pipeline/coordinator";

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
