/**
 * Removes secrets from anything about to be logged or stored: values under sensitive keys
 * become "[REDACTED]", bearer tokens and JWT-looking strings are masked, long strings capped.
 */

const SENSITIVE_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|jwt/i;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** `password=…`, `api_key: …`, `"token":"…"` inside free text (error messages, query strings). */
const SECRET_PAIR =
  /([\w-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|authorization|cookie|credential|jwt)[\w-]*)("?\s*[=:]\s*"?)(?!\[REDACTED\])([^\s"'&,;]+)/gi;
const MAX_STRING = 2048;
const MAX_DEPTH = 6;

/** Placeholder written where a secret was. */
export const REDACTED = "[REDACTED]";

/**
 * Returns a deep copy of `value` that is safe to log.
 *
 * @example
 * redact({ user: "ann", password: "hunter2" }) // { user: "ann", password: "[REDACTED]" }
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      SENSITIVE_KEY.test(key) && item !== null && item !== undefined && typeof item !== "boolean"
        ? REDACTED
        : redact(item, depth + 1);
  }
  return out;
}

/** Masks bearer credentials, JWTs and `key=value` secrets inside free text and caps its length. */
export function redactString(text: string): string {
  const masked = text
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JWT_SHAPE, REDACTED)
    .replace(SECRET_PAIR, `$1$2${REDACTED}`);
  return masked.length > MAX_STRING
    ? `${masked.slice(0, MAX_STRING)}…[+${masked.length - MAX_STRING}]`
    : masked;
}
