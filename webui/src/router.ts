/** The current hash route as a signal; `navigate` changes it. */
import { signal } from "@preact/signals";
import { type HashRoute, hashHref, parseHash } from "./lib/hash-route";

export const route = signal<HashRoute>(parseHash(location.hash));

window.addEventListener("hashchange", () => {
  route.value = parseHash(location.hash);
});

/** Goes to `path` (with params); the hashchange listener updates `route`. */
export function navigate(path: string, params: Record<string, string | undefined> = {}): void {
  const href = hashHref(path, params);
  if (location.hash === href) route.value = parseHash(href);
  else location.hash = href;
}
