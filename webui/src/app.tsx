/**
 * The shell: header (navigation, workspace switcher, session badge, sign-out) and the current
 * page, loaded lazily from the registry. Signed-out visitors are sent to the sign-in page.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import type { ComponentType } from "preact";
import { signOut } from "./api/auth";
import { session } from "./api/session";
import { WorkspaceSwitcher } from "./components/workspace-switcher";
import { hashHref } from "./lib/hash-route";
import { roleAtLeast } from "./lib/roles";
import { HOME_PATH, PAGES, type PageEntry } from "./pages/registry";
import { navigate, route } from "./router";

function resolvePage(path: string, signedIn: boolean): PageEntry | "redirect-signin" | "redirect-home" {
  const page = PAGES.find((entry) => entry.path === path);
  if (!signedIn) return page?.public ? page : "redirect-signin";
  if (!page) return "redirect-home";
  return page;
}

export function App() {
  const Page = useSignal<ComponentType | null>(null);
  const loadError = useSignal<string | null>(null);

  useSignalEffect(() => {
    const current = session.value;
    const { path } = route.value;
    const target = resolvePage(path, current !== null);
    if (target === "redirect-signin") return navigate("/signin", { next: path === "/" ? undefined : path });
    if (target === "redirect-home") return navigate(HOME_PATH);
    if (target.minRole && current && !roleAtLeast(current.role, target.minRole)) return navigate(HOME_PATH);
    let cancelled = false;
    loadError.value = null;
    target
      .load()
      .then((module) => {
        if (!cancelled) Page.value = module.default;
      })
      .catch((error: unknown) => {
        if (!cancelled) loadError.value = `This page could not be loaded: ${String(error)}`;
      });
    return () => {
      cancelled = true;
    };
  });

  const current = session.value;
  const path = route.value.path;
  const Current = Page.value;
  return (
    <div class="shell">
      <button type="button" class="skip-link" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <span class="brand">lightrag-edge</span>
        {current && (
          <nav aria-label="Main">
            <ul>
              {PAGES.filter((p) => p.label && (!p.minRole || roleAtLeast(current.role, p.minRole))).map(
                (p) => (
                  <li key={p.path}>
                    <a href={hashHref(p.path)} aria-current={path === p.path ? "page" : undefined}>
                      {p.label}
                    </a>
                  </li>
                ),
              )}
            </ul>
          </nav>
        )}
        {current && (
          <div class="session">
            <WorkspaceSwitcher />
            {current.kind === "guest" ? (
              <span class="badge warn" title="The service runs without accounts (AUTH_ENABLED=false)">
                Guest mode: authentication disabled
              </span>
            ) : (
              <span class="badge" data-testid="signed-in-user">
                {current.username} ({current.role})
              </span>
            )}
            <button type="button" onClick={() => void signOut()}>
              {current.kind === "guest" ? "Leave" : "Sign out"}
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {loadError.value ? (
          <p role="alert" class="error">
            {loadError.value}
          </p>
        ) : Current ? (
          <Current />
        ) : (
          <p aria-busy="true">Loading…</p>
        )}
      </main>
    </div>
  );
}
