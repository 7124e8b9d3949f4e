/**
 * Health probes: `/health/live` (no I/O), `/health/ready` (config, D1, Durable Object) and the
 * deep `/health`, which also carries LightRAG's `/health` fields for its clients. The deep
 * probe shows a workspace's pipeline only to a caller allowed in that workspace: anyone else
 * gets the global health, and no workspace's coordinator is woken for them.
 */
import { Hono } from "hono";
import { type Config, loadConfig } from "../../config";
import { currentFlagsView, type Flags } from "../../flags";
import { type CheckResult, isHealthy, runChecks } from "../../observability/health";
import type { PipelineState } from "../../pipeline/coordinator";
import { LIGHTRAG_API_VERSION, LIGHTRAG_CORE_VERSION, SERVICE_VERSION } from "../../version";
import type { AppEnv } from "../app-env";
import { lightragConfiguration, lightragDeployment } from "./health-configuration";
import { configCheck, coordinatorCheck, d1Check, dependencyChecks } from "./health-probes";

export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get("/health/live", (c) => c.json({ status: "ok", version: SERVICE_VERSION }));

healthRoutes.get("/health/ready", async (c) => {
  const { config, problems } = loadConfig(c.env);
  const workspace = config?.WORKSPACE ?? "default";
  const checks = await runChecks([configCheck(problems), d1Check(c.env), coordinatorCheck(c.env, workspace)]);
  const ready = isHealthy(checks);
  return c.json(
    { status: ready ? "ready" : "not_ready", checks: checks.map(withoutDetail) },
    ready ? 200 : 503,
  );
});

healthRoutes.get("/health", async (c) => {
  const { config, problems } = loadConfig(c.env);
  // resolvePrincipal has checked LIGHTRAG-WORKSPACE against the caller's memberships (403
  // otherwise); open mode's guest may name any workspace.
  const workspace = c.get("principal")?.workspace;
  const coordinator = workspace === undefined ? undefined : coordinatorCheck(c.env, workspace);
  const checks = await runChecks([
    configCheck(problems),
    d1Check(c.env),
    ...(coordinator ? [coordinator] : []),
    ...dependencyChecks(c.env, config),
  ]);
  const healthy = isHealthy(checks);
  const pipeline = checks.find((check) => check.name === coordinator?.name)?.detail as
    | PipelineState
    | undefined;
  const body = {
    status: healthy ? "healthy" : "unhealthy",
    auth_mode: config?.AUTH_ENABLED === false ? "disabled" : "enabled",
    core_version: LIGHTRAG_CORE_VERSION,
    api_version: LIGHTRAG_API_VERSION,
    webui_available: await webuiAvailable(c.env.ASSETS),
    webui_title: config?.WEBUI_TITLE ?? "lightrag-edge",
    webui_description: config?.WEBUI_DESCRIPTION ?? "",
    ...(coordinator
      ? { pipeline_busy: pipeline?.busy ?? false, pipeline_active: pipeline?.active ?? false }
      : {}),
    version: SERVICE_VERSION,
    environment: config?.NODE_ENV ?? "unknown",
    ...(workspace === undefined ? {} : { workspace }),
    dependencies: checks.map(withoutDetail),
    // Details of the deployment, as in LightRAG: for authenticated callers, or everyone in open mode.
    ...(config && (!config.AUTH_ENABLED || c.get("principal"))
      ? {
          ...lightragDeployment(workspace ?? config.WORKSPACE),
          flags: flagsOf(config, (await currentFlagsView(c.env, config)).flags),
          configuration: lightragConfiguration(config),
        }
      : {}),
  };
  return c.json(body, healthy ? 200 : 503);
});

function withoutDetail({ detail: _detail, ...rest }: CheckResult): Omit<CheckResult, "detail"> {
  return rest;
}

/**
 * True when the static assets carry the web UI at `/webui/` (built from webui/; `/` redirects
 * there); false without an ASSETS binding.
 */
async function webuiAvailable(assets: Fetcher | undefined): Promise<boolean> {
  if (!assets) return false;
  try {
    const response = await assets.fetch("http://assets.local/webui/", { method: "HEAD" });
    return response.ok;
  } catch {
    return false;
  }
}

/** Runtime flags as in effect (env defaults with administrators' overrides). */
function flagsOf(config: Config, flags: Flags) {
  return {
    auth_enabled: config.AUTH_ENABLED,
    rate_limit_enabled: config.RATE_LIMIT_ENABLED,
    audit_logging_enabled: flags.AUDIT_LOGGING_ENABLED,
    read_only_mode: flags.READ_ONLY_MODE,
    disable_document_upload: flags.DISABLE_DOCUMENT_UPLOAD,
    enable_queries: flags.ENABLE_QUERIES,
    enable_document_processing: flags.ENABLE_DOCUMENT_PROCESSING,
    enhanced_processing: flags.ENHANCED_PROCESSING,
    mcp_server_enabled: flags.MCP_SERVER_ENABLED,
  };
}
