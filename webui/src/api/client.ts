/**
 * The one HTTP client of the UI: same-origin calls to the service's public API with the
 * session's bearer token and workspace header; a 401 refreshes a user's token once and retries;
 * a renewed token in `X-New-Token` replaces the old one. Errors become `ApiError` with the
 * service's message (`{"error": {"message"}}` or LightRAG's `{"detail"}`).
 */
import { ndjsonSplitter } from "../lib/ndjson";
import { patchSession, type Session, session, setSession } from "./session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export const WORKSPACE_HEADER = "LIGHTRAG-WORKSPACE";

/** Headers for the current session (bearer token, workspace). */
export function authHeaders(current: Session | null = session.value): Record<string, string> {
  if (!current) return {};
  return { Authorization: `Bearer ${current.accessToken}`, [WORKSPACE_HEADER]: current.workspace };
}

/** The service's error message in a JSON error body, else the status text. */
export function errorMessage(status: number, body: unknown, fallback: string): string {
  if (body && typeof body === "object") {
    const error = (body as { error?: { message?: unknown } }).error;
    if (error && typeof error.message === "string") return error.message;
    const detail = (body as { detail?: unknown }).detail;
    if (typeof detail === "string") return detail;
  }
  return fallback || `HTTP ${status}`;
}

let refreshing: Promise<boolean> | null = null;

/** Rotates the user's refresh token; false when there is none or it was refused (signs out). */
export function refreshSession(): Promise<boolean> {
  const current = session.value;
  if (!current?.refreshToken) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const res = await fetch("/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: current.refreshToken }),
      });
      if (!res.ok) {
        setSession(null);
        return false;
      }
      const body = (await res.json()) as TokenAnswer;
      patchSession(fromTokenAnswer(body, current.workspace));
      return true;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  workspace: string;
  user: { username: string; role: string; workspaces: string[] };
}

/** Session fields from a /auth/login or /auth/refresh answer. */
export function fromTokenAnswer(body: TokenAnswer, workspace?: string): Omit<Session, "kind"> {
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: Date.now() + body.expires_in * 1000,
    username: body.user.username,
    role: body.user.role,
    workspace: workspace ?? body.workspace,
    workspaces: body.user.workspaces,
  };
}

export interface RequestOptions extends Omit<RequestInit, "body"> {
  /** Sent as JSON. */
  json?: unknown;
  body?: BodyInit;
}

/** A user's access token this close to expiry is refreshed before the request, not after a 401. */
const REFRESH_AHEAD_MS = 30_000;

/** fetch with the session's headers, one refresh-and-retry on 401, and X-New-Token pick-up. */
export async function rawFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const current = session.value;
  if (current?.refreshToken && current.expiresAt > 0 && current.expiresAt - Date.now() < REFRESH_AHEAD_MS) {
    await refreshSession();
  }
  const send = () => {
    const headers = new Headers(options.headers);
    for (const [key, value] of Object.entries(authHeaders())) headers.set(key, value);
    let body = options.body;
    if (options.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(options.json);
    }
    return fetch(path, { ...options, headers, body });
  };
  let res = await send();
  if (res.status === 401 && session.value?.refreshToken && (await refreshSession())) res = await send();
  const renewed = res.headers.get("X-New-Token");
  if (renewed) patchSession({ accessToken: renewed });
  return res;
}

/**
 * JSON request; throws ApiError on a non-2xx answer.
 *
 * @example
 * const page = await api<DocumentsPage>("/documents/paginated", { method: "POST", json: { page: 1 } });
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await rawFetch(path, options);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) {
    if (res.status === 401 && session.value?.kind === "user") setSession(null);
    throw new ApiError(res.status, errorMessage(res.status, body, res.statusText), body);
  }
  return body as T;
}

/**
 * POSTs `json` and calls `onLine` for every NDJSON line of the streamed answer.
 *
 * @example
 * await streamNdjson("/query/stream", { query: "who?" }, (line) => console.log(line));
 */
export async function streamNdjson(
  path: string,
  json: unknown,
  onLine: (line: unknown) => void,
  signal?: AbortSignal,
): Promise<void> {
  const res = await rawFetch(path, { method: "POST", json, signal: signal ?? null });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => null);
    throw new ApiError(res.status, errorMessage(res.status, body, res.statusText), body);
  }
  const split = ndjsonSplitter();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const line of split.push(value)) onLine(line);
  }
  for (const line of split.flush()) onLine(line);
}

/**
 * Uploads one file as multipart (field `file`) with upload progress (0..1); resolves with
 * the JSON answer. XMLHttpRequest because fetch reports no upload progress.
 */
export function uploadFile(
  path: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [key, value] of Object.entries(authHeaders())) xhr.setRequestHeader(key, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "Network error during upload", null));
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // keep the text
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, errorMessage(xhr.status, body, xhr.statusText), body));
    };
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}
