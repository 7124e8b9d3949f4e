/** Hono type parameters shared by every middleware and route module. */
import type { Principal } from "../auth/principal";
import type { Config } from "../config";
import type { Env } from "../env";
import type { Flags, WorkspaceLock } from "../flags/names";
import type { Logger } from "../observability/logger";
import type { Invocation } from "../runtime/invocation";
import type { Services } from "../runtime/services";
import type { AppError } from "./errors";
import type { RoutePolicy } from "./route-policy";

export interface AppVariables {
  requestId: string;
  logger: Logger;
  /** Set by `configGuard`; routes behind the guard can rely on it being valid. */
  config: Config;
  /**
   * Effective runtime flags, resolved once per request by `resolveRuntimeFlags` right after
   * `configGuard`. Unset only on health routes and while the config is invalid.
   */
  flags: Flags;
  /** Single workspaces locked read-only, resolved with the flags. */
  workspaceLocks: Record<string, WorkspaceLock>;
  /** The composition root's services for this request (config + flags); set with the flags. */
  services: Services;
  /**
   * This request's run: its tracked `waitUntil` and what is closed after the body and every
   * task (`invocationScope`, the first middleware; unset only in apps assembled without it).
   */
  invocation?: Invocation;
  /**
   * Why the presented credentials were refused; raised by `requireAuth` after the rate limiter
   * has counted the request, so guessing tokens or keys is rate limited like anything else.
   */
  authError?: AppError;
  /** Set by the auth middleware when the caller is identified (always, in open mode). */
  principal?: Principal;
  /** The route's declared policy (`src/http/route-policy.ts`), set right after routeGuard. */
  routePolicy?: RoutePolicy;
  /** Client address as trusted by the deployment (CF-Connecting-IP, or X-Forwarded-For behind TRUSTED_PROXY). */
  clientIp?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
