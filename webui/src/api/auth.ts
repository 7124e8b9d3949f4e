/** Sign-in flows against the service's auth routes (/auth-status, /auth/login, /auth/logout). */
import { ApiError, errorMessage, fromTokenAnswer, rawFetch, type TokenAnswer } from "./client";
import { session, setSession } from "./session";

export interface AuthStatus {
  auth_configured: boolean;
  auth_mode: "enabled" | "disabled";
  access_token?: string;
  message?: string;
  webui_title?: string;
  webui_description?: string;
  core_version?: string;
  api_version?: string;
}

/** The service's auth mode (and a guest token in open mode). */
export async function authStatus(): Promise<AuthStatus> {
  const res = await fetch("/auth-status");
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, errorMessage(res.status, body, res.statusText), body);
  return body as AuthStatus;
}

/** Starts a guest session from an open-mode /auth-status answer. */
export function enterGuest(status: AuthStatus, workspace = "default"): void {
  setSession({
    kind: "guest",
    accessToken: status.access_token ?? "",
    expiresAt: 0,
    username: "guest",
    role: "admin",
    workspace,
    workspaces: [],
  });
}

/** Password login; throws ApiError with the service's message on refusal. */
export async function login(username: string, password: string, workspace?: string): Promise<void> {
  const res = await fetch("/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(workspace ? { username, password, workspace } : { username, password }),
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, errorMessage(res.status, body, res.statusText), body);
  setSession({ kind: "user", ...fromTokenAnswer(body as TokenAnswer) });
}

/** Revokes the session server-side (best effort) and forgets it. */
export async function signOut(): Promise<void> {
  if (session.value?.kind === "user")
    await rawFetch("/auth/logout", { method: "POST" }).catch(() => undefined);
  setSession(null);
}
