/**
 * Removes secrets from anything about to be logged or stored, and only secrets: text under a
 * secret-named key becomes "[REDACTED]", bearer tokens, JWTs and our own raw keys are masked
 * wherever they appear, long strings are capped. Identifiers (ids, names, counts) are kept, so
 * the audit trail can still say which key was revoked and how many were deleted.
 */

/** Names that hold secrets: passwords, tokens, API keys, authorization headers, cookies, credentials. */
const SECRET_NAME = /pass(word|wd)?|secret|token|api[-_]?key|authorization|cookie|credential|jwt/i;
/**
 * Names of identifiers and labels, never secrets even when they mention one: `api_key_id`,
 * `tokenIds`, `api_key_name`, `token_type`, `token_count`. (`id_token` ends in "token": a secret.)
 */
const IDENTIFIER_NAME =
  /(?:^|[-_])(?:ids?|names?|types?|counts?)$|[a-z0-9](?:Ids?|IDs?|Names?|Types?|Counts?)$/;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/**
 * Our own bearer secrets by shape, wherever they appear: API keys (`lrk_`, src/auth/api-keys.ts)
 * and refresh tokens (`rt_`, src/auth/sessions.ts), 43 URL-safe characters after the prefix.
 * The 10-character key prefix shown in admin answers is too short to match.
 */
/** The password of a URL's user info (`postgres://user:password@host`): a connection string quoted in an error. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s/@]+@/gi;
const RAW_KEY = /(?<![\w-])(?:lrk|rt)_[A-Za-z0-9_-]{20,}=*/g;
/** `password=…`, `api_key: …`, `"token":"…"` inside free text (error messages, query strings). */
const SECRET_PAIR =
  /([\w-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|authorization|cookie|credential|jwt)[\w-]*)("?\s*[=:]\s*"?)(?!\[REDACTED\])([^\s"'&,;]+)/gi;
/**
 * What every shape above needs somewhere in the text: a `=` or `:` (pairs, URLs), or the start of
 * a bearer scheme, a JWT or one of our keys. Text with none of them (most log fields: ids, names,
 * enums) skips the five searches, which were most of the cost of every log line.
 */
const MAY_HOLD_SECRET = /[=:]|bearer|basic|eyj|lrk_|rt_/i;
const MAX_STRING = 2048;
const MAX_DEPTH = 6;

/** Placeholder written where a secret was. */
export const REDACTED = "[REDACTED]";

/**
 * Whether a field or parameter called `name` holds a secret.
 *
 * @example
 * isSecretName("refresh_token") // true
 * isSecretName("api_key_id")    // false: an identifier
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !IDENTIFIER_NAME.test(name);
}

/**
 * Returns a deep copy of `value` that is safe to log. Below a secret-named key every text is a
 * secret (except under identifier names); numbers, booleans and null are kept everywhere, being
 * counts and flags: every secret this service handles is text.
 *
 * @example
 * redact({ user: "ann", password: "hunter2", api_key_id: "k1", api_keys: 3 })
 * // { user: "ann", password: "[REDACTED]", api_key_id: "k1", api_keys: 3 }
 */
export function redact(value: unknown, depth = 0, secret = false): unknown {
  if (typeof value === "string") return secret ? REDACTED : redactString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, secret));
  // No prototype: a client's "__proto__" key is copied as a key, not taken as the copy's prototype.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) {
    if (IDENTIFIER_NAME.test(key)) out[key] = redactIdentifiers(item, depth + 1);
    else out[key] = redact(item, depth + 1, secret || SECRET_NAME.test(key));
  }
  return out;
}

/**
 * Masks bearer credentials, JWTs, raw keys and `name=value` secrets inside free text and caps its
 * length; `api_key_id=…` and other identifier pairs are kept.
 */
export function redactString(text: string): string {
  return MAY_HOLD_SECRET.test(text) ? searchedString(text) : cap(text);
}

/** `redactString` without its shortcut: every search runs (tests check the two agree). */
export function searchedString(text: string): string {
  return cap(
    maskShapes(text).replace(SECRET_PAIR, (pair: string, name: string, separator: string) =>
      IDENTIFIER_NAME.test(name) ? pair : `${name}${separator}${REDACTED}`,
    ),
  );
}

/**
 * Identifier values (`user_id: "api_key:<id>"`) are not free text: a `name:value` pair inside is
 * part of the id, so only credential shapes are masked.
 */
function redactIdentifiers(value: unknown, depth: number): unknown {
  if (typeof value === "string") return cap(MAY_HOLD_SECRET.test(value) ? maskShapes(value) : value);
  if (Array.isArray(value) && depth < MAX_DEPTH)
    return value.map((item) => redactIdentifiers(item, depth + 1));
  return redact(value, depth);
}

function maskShapes(text: string): string {
  return text
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JWT_SHAPE, REDACTED)
    .replace(RAW_KEY, REDACTED)
    .replace(URL_PASSWORD, `$1${REDACTED}@`);
}

function cap(text: string): string {
  return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…[+${text.length - MAX_STRING}]` : text;
}
