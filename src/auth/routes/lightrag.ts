/**
 * LightRAG Server's auth routes, wire-compatible with its WebUI and clients: `POST /login`
 * (OAuth2 password form), `GET /auth-status` (guest token in open mode), plus the public keys
 * of EdDSA signing at `/.well-known/jwks.json`.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../http/errors";
import { LIGHTRAG_API_VERSION, LIGHTRAG_CORE_VERSION } from "../../version";
import { passwordLogin } from "../login";
import { loginForm } from "../schemas";
import { signingKeys } from "../signing-keys";
import { issueGuestToken } from "../tokens";

export const lightragAuthRoutes = new Hono<AppEnv>();

const GUEST_MESSAGE = "Authentication is disabled. Using guest access.";

function about(c: Context<AppEnv>) {
  const config = c.get("config");
  return {
    core_version: LIGHTRAG_CORE_VERSION,
    api_version: LIGHTRAG_API_VERSION,
    webui_title: config.WEBUI_TITLE,
    webui_description: config.WEBUI_DESCRIPTION,
  };
}

async function guestAnswer(c: Context<AppEnv>) {
  return {
    access_token: await issueGuestToken(c.get("config")),
    token_type: "bearer" as const,
    auth_mode: "disabled" as const,
    message: GUEST_MESSAGE,
    ...about(c),
  };
}

lightragAuthRoutes.get("/auth-status", async (c) => {
  if (!c.get("config").AUTH_ENABLED) return c.json({ auth_configured: false, ...(await guestAnswer(c)) });
  return c.json({ auth_configured: true, auth_mode: "enabled", ...about(c) });
});

lightragAuthRoutes.post("/login", async (c) => {
  if (!c.get("config").AUTH_ENABLED) return c.json(await guestAnswer(c));
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody();
  } catch {
    throw new AppError(400, "bad_request", "The login form could not be read");
  }
  const parsed = loginForm.safeParse(form);
  if (!parsed.success) {
    throw new AppError(422, "validation_error", "username and password are required", {
      details: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  const result = await passwordLogin(c, parsed.data, "lightrag_form");
  return c.json({
    access_token: result.accessToken,
    token_type: "bearer",
    auth_mode: "enabled",
    ...about(c),
    expires_in: result.expiresIn,
    refresh_token: result.refreshToken,
    refresh_expires_in: result.refreshExpiresIn,
    workspace: result.workspace,
  });
});

lightragAuthRoutes.get("/.well-known/jwks.json", async (c) => {
  const keys = await signingKeys(c.get("config"));
  c.header("Cache-Control", "public, max-age=300");
  return c.json(keys.jwks);
});
