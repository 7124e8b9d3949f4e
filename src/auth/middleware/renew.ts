/**
 * LightRAG's sliding session for its WebUI: past half an access token's life, a successful
 * response carries a fresh token in `X-New-Token` (same session, same claims). Never beyond
 * the session's absolute end (REFRESH_TOKEN_TTL_SECONDS after the password login), never for
 * revoked sessions (the caller already checked), never on LightRAG's polling routes.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { routePolicyOf } from "../../http/middleware/route-policy";
import { type AccessClaims, issueAccessToken } from "../tokens";

export async function renewIfNeeded(c: Context<AppEnv>, claims: AccessClaims): Promise<void> {
  const config = c.get("config");
  // LightRAG does not renew on polled routes (`polled` in the route policy): they would keep idle sessions alive.
  if (!config.TOKEN_AUTO_RENEW || routePolicyOf(c).polled || c.res.status >= 400) return;
  const nowSeconds = Date.now() / 1000;
  const lifetime = claims.exp - claims.iat;
  if (claims.exp - nowSeconds > lifetime / 2) return;
  if (
    nowSeconds + config.ACCESS_TOKEN_TTL_SECONDS >
    claims.auth_time / 1000 + config.REFRESH_TOKEN_TTL_SECONDS
  )
    return;
  const { token } = await issueAccessToken(config, {
    userId: claims.sub,
    username: claims.username,
    role: claims.role,
    workspace: claims.ws,
    sessionId: claims.sid,
    authTime: claims.auth_time,
  });
  try {
    c.res.headers.set("X-New-Token", token);
  } catch {
    // Responses passed through from fetch() have immutable headers.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("X-New-Token", token);
  }
}
