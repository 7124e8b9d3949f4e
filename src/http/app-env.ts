/** Hono type parameters shared by every middleware and route module. */
import type { Config } from "../config";
import type { Env } from "../env";
import type { Logger } from "../observability/logger";

export interface AppVariables {
  requestId: string;
  logger: Logger;
  /** Set by `configGuard`; routes behind the guard can rely on it being valid. */
  config: Config;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
