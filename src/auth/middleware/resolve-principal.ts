/**
 * Establishes who is calling, right after routeGuard: a bearer access token (verified without
 * I/O; revocation from the isolate's cached list) or an API key, in `X-API-Key` or as a bearer
 * token (`Bearer lrk_…`: Open WebUI and most MCP clients can only send that). It sets `principal` and
 * enforces the workspace rule: `LIGHTRAG-WORKSPACE` may name another workspace only if the user
 * is a member (administrators: any). With AUTH_ENABLED=false every caller is a guest admin.
 * Bad credentials on protected paths are kept as `authError` for `requireAuth` to raise after
 * the rate limiter has counted the request; on public paths they are ignored and not audited
 * (/metrics, for one, takes its own bearer token).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { routePolicyOf } from "../../http/middleware/route-policy";
import { parseWorkspaceHeader, WORKSPACE_HEADER } from "../../http/workspace";
import { requestWaitUntil } from "../../observability/request-context";
import { API_KEY_PREFIX, findApiKey, keyOwnerId, recordApiKeyUse } from "../api-keys";
import { constantTimeEqual, sha256Hex } from "../encoding";
import { accessDenied, authFailure } from "../events";
import type { Principal } from "../principal";
import { requestAccounts } from "../request-accounts";
import { isRevoked } from "../revocations";
import { type AccessClaims, TokenError, verifyAccessToken } from "../tokens";
import { renewIfNeeded } from "./renew";

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-_.~+/]+=*)[ \t]*$/i;

export const resolvePrincipal: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = c.get("config");
  // Without a valid config only the health routes get this far, and they need nobody.
  if (!config) return next();
  const requested = parseWorkspaceHeader(c.req.header(WORKSPACE_HEADER));
  if (!config.AUTH_ENABLED) {
    c.set("principal", {
      userId: "guest",
      role: "admin",
      workspace: requested ?? config.WORKSPACE,
      via: "open",
    });
    return next();
  }
  const { authorization, apiKey } = credentials(c);
  if (authorization === undefined && apiKey === undefined) return next();
  const publicPath = routePolicyOf(c).access === "public";
  let claims: AccessClaims | undefined;
  try {
    if (authorization !== undefined) {
      claims = await fromBearer(c, authorization, !publicPath);
      c.set("principal", await withWorkspace(c, claims, requested));
    } else {
      c.set("principal", await fromApiKey(c, apiKey ?? "", requested, !publicPath));
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    claims = undefined;
    // A stale token must not lock anyone out of /login or /health.
    if (!(publicPath && error.status === 401)) c.set("authError", error);
  }
  // Outside the try: an error of the route itself must never be swallowed or run it twice.
  await next();
  if (claims && c.get("principal")) await renewIfNeeded(c, claims);
};

/** The bearer token and the API key of the request; a bearer token shaped like an API key is one. */
function credentials(c: Context<AppEnv>): { authorization?: string; apiKey?: string } {
  const authorization = c.req.header("Authorization");
  const apiKey = c.req.header("X-API-Key");
  const bearerKey = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (apiKey === undefined && bearerKey?.startsWith(API_KEY_PREFIX)) return { apiKey: bearerKey };
  return { authorization, apiKey };
}

async function fromBearer(c: Context<AppEnv>, header: string, report: boolean): Promise<AccessClaims> {
  const config = c.get("config");
  const token = BEARER.exec(header)?.[1];
  if (!token) {
    if (report) {
      authFailure(c, "token_rejected", "invalid_token", null, { detail: "malformed Authorization header" });
    }
    throw new TokenError("invalid");
  }
  let claims: AccessClaims;
  try {
    claims = await verifyAccessToken(config, token);
  } catch (error) {
    const reason =
      error instanceof TokenError && error.reason === "expired" ? "expired_token" : "invalid_token";
    if (report) authFailure(c, "token_rejected", reason);
    throw error;
  }
  if (await isRevoked(requestAccounts(c).credentials, config.REVOCATION_CACHE_SECONDS * 1000, claims.sid)) {
    if (report) authFailure(c, "token_rejected", "revoked_token", claims.sub, { session_id: claims.sid });
    throw new TokenError("invalid");
  }
  return claims;
}

async function withWorkspace(
  c: Context<AppEnv>,
  claims: AccessClaims,
  requested: string | undefined,
): Promise<Principal> {
  const principal: Principal = {
    userId: claims.sub,
    role: claims.role,
    workspace: claims.ws,
    via: "jwt",
    sessionId: claims.sid,
  };
  if (requested === undefined || requested === claims.ws) return principal;
  if (claims.role === "admin" || (await requestAccounts(c).directory.isMember(claims.sub, requested))) {
    return { ...principal, workspace: requested };
  }
  c.set("principal", principal);
  accessDenied(c, { reason: "not_a_member", workspace: requested });
  throw new AppError(403, "forbidden", `Not a member of workspace ${requested}`);
}

async function fromApiKey(
  c: Context<AppEnv>,
  key: string,
  requested: string | undefined,
  report: boolean,
): Promise<Principal> {
  // Stored keys first: an administrator key kept in an operator's LIGHTRAG_API_KEY stays an administrator.
  const scope = (await storedKey(c, key.trim())) ?? (await lightragKey(c, key.trim()));
  if (!scope) {
    if (report) authFailure(c, "api_key_rejected", "invalid_api_key");
    throw new AppError(401, "unauthorized", "Invalid API Key");
  }
  const principal: Principal = {
    userId: keyOwnerId(scope.id),
    role: scope.role,
    workspace: scope.workspace,
    via: "api_key",
    sessionId: scope.id,
  };
  if (requested !== undefined && requested !== scope.workspace) {
    c.set("principal", principal);
    accessDenied(c, { reason: "api_key_workspace", workspace: requested });
    throw new AppError(403, "forbidden", `This API key is scoped to workspace ${scope.workspace}`);
  }
  return principal;
}

interface KeyScope {
  id: string;
  role: Principal["role"];
  workspace: string;
}

async function storedKey(c: Context<AppEnv>, key: string): Promise<KeyScope | null> {
  const row = await findApiKey(requestAccounts(c).credentials, key);
  if (row) inBackground(c, recordApiKeyUse(requestAccounts(c).credentials, row));
  return row;
}

/**
 * LightRAG's single `LIGHTRAG_API_KEY` (secret), for its clients: an editor in the configured
 * workspace. Compared as SHA-256 digests in constant time.
 */
async function lightragKey(c: Context<AppEnv>, key: string): Promise<KeyScope | null> {
  const config = c.get("config");
  if (!config.LIGHTRAG_API_KEY) return null;
  const [given, expected] = await Promise.all([sha256Hex(key), sha256Hex(config.LIGHTRAG_API_KEY)]);
  const encoder = new TextEncoder();
  if (!constantTimeEqual(encoder.encode(given), encoder.encode(expected))) return null;
  return { id: "lightrag_api_key", role: "user", workspace: config.WORKSPACE };
}

function inBackground(c: Context<AppEnv>, work: Promise<unknown>): void {
  // Without an execution context (app.request in unit code) the write still runs, unawaited.
  requestWaitUntil(c)(work.catch(() => undefined));
}
