/**
 * The signed-in session as a signal, persisted in localStorage so a reload keeps it. "guest" is
 * the service's open mode (AUTH_ENABLED=false): a guest token from /auth-status, any workspace.
 */
import { computed, signal } from "@preact/signals";

export interface Session {
  kind: "guest" | "user";
  accessToken: string;
  /** Only for users; rotated by /auth/refresh. */
  refreshToken?: string;
  /** Epoch ms when the access token expires (0: unknown). */
  expiresAt: number;
  username: string;
  role: string;
  /** The workspace requests act in (sent as LIGHTRAG-WORKSPACE). */
  workspace: string;
  /** Workspaces the user belongs to; empty for guests (any name is allowed). */
  workspaces: string[];
}

const STORAGE_KEY = "lightrag-edge.session";

function load(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(load());
export const signedIn = computed(() => session.value !== null);

/** Replaces the session (null signs out) and persists it. */
export function setSession(next: Session | null): void {
  session.value = next;
  try {
    if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // private mode: the session lives for this tab only
  }
}

/** Updates fields of the current session (no-op when signed out). */
export function patchSession(patch: Partial<Session>): void {
  if (session.value) setSession({ ...session.value, ...patch });
}
