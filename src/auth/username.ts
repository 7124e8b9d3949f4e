/** The one spelling of a username that is stored and looked up: NFKC, trimmed, lower-cased. */
export function normalizeUsername(username: string): string {
  return username.normalize("NFKC").trim().toLowerCase();
}
