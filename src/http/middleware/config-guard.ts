/**
 * Refuses to serve anything but the health routes while the configuration is invalid or
 * insecure for its environment; `/health/ready` names the reasons.
 */
import type { MiddlewareHandler } from "hono";
import { audit } from "../../audit";
import { loadConfig } from "../../config";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";

const HEALTH_PREFIX = "/health";

/** Env objects whose refusal is already in the audit trail: once per isolate, not per request. */
const auditedRefusals = new WeakSet<object>();

export const configGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { config, problems } = loadConfig(c.env);
  const isHealth = c.req.path === HEALTH_PREFIX || c.req.path.startsWith(`${HEALTH_PREFIX}/`);
  if (config && problems.length === 0) {
    c.set("config", config);
  } else if (!isHealth) {
    c.get("logger").error("configuration refused", { problems });
    if (!auditedRefusals.has(c.env)) {
      auditedRefusals.add(c.env);
      audit(c, {
        event_type: "system",
        event_action: "config_refused",
        outcome: "failure",
        user_id: null,
        additional_data: { problems },
      });
    }
    throw new AppError(
      503,
      "service_unavailable",
      "The service is not configured safely for this environment; see /health/ready",
    );
  }
  await next();
};
