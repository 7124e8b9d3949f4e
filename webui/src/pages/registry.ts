/**
 * Every page of the UI, one entry each: its hash path, its navigation label and a lazy import of
 * its module (each page is its own chunk, so the first load carries only the shell). To add a
 * page: write `pages/<name>.tsx` exporting `default` (a component), and add one line here.
 */
import type { ComponentType } from "preact";

export interface PageEntry {
  /** Hash path, e.g. `/documents` (reached as `/webui/#/documents`). */
  path: string;
  /** Navigation label; pages without one are not listed in the navigation. */
  label?: string;
  /** Reachable without a session (the sign-in page). */
  public?: boolean;
  /** Shown only to roles at or above this one (in navigation and on entry). */
  minRole?: "viewer" | "user" | "admin";
  load: () => Promise<{ default: ComponentType }>;
}

export const PAGES: PageEntry[] = [
  { path: "/signin", public: true, load: () => import("./signin") },
  { path: "/documents", label: "Documents", load: () => import("./documents") },
  { path: "/graph", label: "Graph", load: () => import("./graph") },
  { path: "/query", label: "Query", load: () => import("./query") },
  { path: "/dashboard", label: "Dashboard", minRole: "admin", load: () => import("./dashboard") },
  { path: "/admin", label: "Admin", minRole: "admin", load: () => import("./admin") },
];

/** Where `/` and unknown signed-in paths go. */
export const HOME_PATH = "/documents";
