/**
 * The account stores of a request: the services' (`resolveRuntimeFlags` built them with the
 * flags), or, on the health routes, which get no services, the composition root's account
 * stores built once for the request, their pool ended with the request's invocation. So
 * `resolvePrincipal` and the auth routes never pick a backend themselves.
 */
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { ownAccountStores, type Services } from "../runtime/services";
import type { AccountStores } from "./store/accounts";

/** Health requests' stores, by request context: one pool per request, as with the services. */
const withoutServices = new WeakMap<Context<AppEnv>, AccountStores>();

/**
 * The account stores this request uses.
 *
 * @example
 * const user = await requestAccounts(c).directory.findUserById(principal.userId);
 */
export function requestAccounts(c: Context<AppEnv>): AccountStores {
  const services = c.get("services") as Services | undefined;
  if (services) return services.accounts;
  let built = withoutServices.get(c);
  if (!built) {
    const own = ownAccountStores(c.env, c.get("config"));
    c.get("invocation")?.closeAtEnd(own.close);
    built = own.accounts;
    withoutServices.set(c, built);
  }
  return built;
}
