/**
 * Suite-wide secret scan. Vitest hands every console line of every test (workerd and Node) to
 * `recordConsoleLog`, which appends it to a file of this run; the global teardown in
 * `test/node/log-capture-setup.ts` scans the file and fails the run naming any secret found.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CANARY_SECRETS } from "../canaries";

/** One capture file per vitest main process: config and global setup run in it. */
export const CAPTURE_FILE = path.join(tmpdir(), `lightrag-edge-console-${process.pid}.log`);

const SENSITIVE_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|jwt/i;
/** Identifiers whose names mention a secret (`api_key_id`, `token_count`) hold no secret. */
const IDENTIFIER_KEY =
  /(?:^|[-_])(?:ids?|names?|types?|counts?)$|[a-z0-9](?:Ids?|IDs?|Names?|Types?|Counts?)$/;
const REDACTED = "[REDACTED]";
const RULES: Array<[string, RegExp]> = [
  ["bearer or basic credential", /\b(?:Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{6,}/i],
  ["JWT", /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/],
  // Our API keys (lrk_) and refresh tokens (rt_): 43 characters after the prefix; the shown prefix is 10.
  ["raw API key or refresh token", /(?<![\w-])(?:lrk|rt)_[A-Za-z0-9_-]{20,}/],
  [
    "secret in a query string or key=value",
    /\b[\w-]*(?:password|passwd|secret|api[-_]?key|access_token|refresh_token)=(?!\[REDACTED\]|&|$)[^&\s"]+/i,
  ],
];

/** Vitest `onConsoleLog`: keeps the line and lets vitest print it as usual. */
export function recordConsoleLog(log: string, type: "stdout" | "stderr"): undefined {
  appendFileSync(CAPTURE_FILE, `${JSON.stringify({ type, log })}\n`);
  return undefined;
}

/** Clears the capture file at the start of a run. */
export function resetCapture(): void {
  rmSync(CAPTURE_FILE, { force: true });
}

/** Every captured line, in order. */
export function capturedLines(): string[] {
  if (!existsSync(CAPTURE_FILE)) return [];
  return readFileSync(CAPTURE_FILE, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .flatMap((line) => String((JSON.parse(line) as { log: string }).log).split("\n"));
}

/**
 * Why `line` leaks a secret, or an empty list.
 *
 * @example
 * findSecrets('{"level":"INFO","password":"hunter2"}') // ['unredacted "password" in a log line']
 */
export function findSecrets(line: string): string[] {
  const found: string[] = [];
  for (const value of Object.values(CANARY_SECRETS)) {
    if (line.includes(value)) found.push(`canary secret ${value.slice(0, 12)}…`);
  }
  for (const [name, rule] of RULES) if (rule.test(line)) found.push(name);
  const structured = parseLogLine(line);
  if (structured) found.push(...unredactedKeys(structured));
  return found;
}

/** Our JSON log lines: objects with a level; their sensitive keys must read [REDACTED]. */
function parseLogLine(line: string): Record<string, unknown> | null {
  const start = line.indexOf("{");
  if (start < 0) return null;
  try {
    const value: unknown = JSON.parse(line.slice(start));
    return typeof value === "object" && value !== null && "level" in value
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function unredactedKeys(value: unknown, depth = 0): string[] {
  if (typeof value !== "object" || value === null || depth > 8) return [];
  const found: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (IDENTIFIER_KEY.test(key)) {
      found.push(...unredactedKeys(item, depth + 1));
      continue;
    }
    if (SENSITIVE_KEY.test(key) && typeof item === "string" && item !== "" && !item.includes(REDACTED)) {
      found.push(`unredacted "${key}" in a log line`);
    } else {
      found.push(...unredactedKeys(item, depth + 1));
    }
  }
  return found;
}

/** Scans every captured line; returns a report of leaks (empty when clean). */
export function scanCapturedLogs(): string[] {
  const leaks: string[] = [];
  for (const line of capturedLines()) {
    const found = findSecrets(line);
    if (found.length > 0) leaks.push(`${found.join(", ")}: ${line.slice(0, 300)}`);
  }
  return leaks;
}
