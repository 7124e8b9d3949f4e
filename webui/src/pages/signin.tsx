/**
 * Sign-in: asks /auth-status which mode the service runs in. With accounts, a username and
 * password form (optional workspace); in open mode, a clearly labelled guest entry.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { type AuthStatus, authStatus, enterGuest, login } from "../api/auth";
import { navigate, route } from "../router";
import { HOME_PATH } from "./registry";

export default function SignIn() {
  const status = useSignal<AuthStatus | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const username = useSignal("");
  const password = useSignal("");
  const workspace = useSignal("");

  useSignalEffect(() => {
    authStatus()
      .then((s) => (status.value = s))
      .catch((e: unknown) => (error.value = `The service did not answer: ${String(e)}`));
  });

  const next = () => navigate(route.peek().params.next ?? HOME_PATH);

  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      await login(username.value, password.value, workspace.value.trim() || undefined);
      next();
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      busy.value = false;
    }
  };

  const s = status.value;
  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{s?.webui_title || "lightrag-edge"}</h1>
      {s?.webui_description && <p class="muted">{s.webui_description}</p>}
      {!s && !error.value && <p aria-busy="true">Checking the service…</p>}
      {s && !s.auth_configured && (
        <div>
          <p class="notice warn" role="status">
            <strong>Open mode.</strong> This service runs without accounts: anyone who reaches it acts as an
            administrator. {s.message}
          </p>
          <button
            type="button"
            class="primary"
            onClick={() => {
              enterGuest(s);
              next();
            }}
          >
            Continue as guest
          </button>
        </div>
      )}
      {s?.auth_configured && (
        <form onSubmit={submit} aria-describedby={error.value ? "signin-error" : undefined}>
          <label>
            Username
            <input
              name="username"
              autoComplete="username"
              required
              value={username.value}
              onInput={(e) => (username.value = e.currentTarget.value)}
            />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password.value}
              onInput={(e) => (password.value = e.currentTarget.value)}
            />
          </label>
          <label>
            Workspace <span class="muted">(optional; your default otherwise)</span>
            <input
              name="workspace"
              pattern="[A-Za-z0-9_]{1,64}"
              value={workspace.value}
              onInput={(e) => (workspace.value = e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy.value}>
            {busy.value ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
      {error.value && (
        <p id="signin-error" role="alert" class="error">
          {error.value}
        </p>
      )}
      {s?.api_version && (
        <p class="muted small">
          API {s.api_version} · core {s.core_version}
        </p>
      )}
    </section>
  );
}
