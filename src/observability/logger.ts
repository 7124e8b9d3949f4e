/**
 * Structured logging: one compact JSON line per call on stdout, which Workers Logs and
 * Logpush collect. Fields pass through `redact` so no secret reaches a log.
 */
import { redact } from "./redact";

/** Levels in increasing severity; `SECURITY` lines are always written. */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";
type LineLevel = LogLevel | "SECURITY";

const SEVERITY: Record<LineLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, SECURITY: 50 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  security(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Where lines go; tests swap it to capture output. */
export type LogSink = (line: string) => void;

const consoleSink: LogSink = (line) => console.log(line);

/**
 * Creates a logger that drops lines below `minLevel`.
 *
 * @example
 * const log = createLogger("INFO", { request_id: "abc" });
 * log.info("request", { status: 200 }); // {"timestamp":"…","level":"INFO","message":"request",…}
 */
export function createLogger(minLevel: LogLevel, base: LogFields = {}, sink: LogSink = consoleSink): Logger {
  const threshold = SEVERITY[minLevel];
  const write = (level: LineLevel, message: string, fields?: LogFields) => {
    if (SEVERITY[level] < threshold) return;
    // The time and level are written here, never from input: only the rest is searched for secrets
    // (an ISO time's colons would send it through every search). A field of the same name still
    // takes their place, redacted.
    const safe = redact({ message, ...base, ...fields }) as LogFields;
    sink(JSON.stringify({ timestamp: new Date().toISOString(), level, ...safe }));
  };
  return {
    debug: (message, fields) => write("DEBUG", message, fields),
    info: (message, fields) => write("INFO", message, fields),
    warn: (message, fields) => write("WARNING", message, fields),
    error: (message, fields) => write("ERROR", message, fields),
    security: (message, fields) => write("SECURITY", message, fields),
    child: (fields) => createLogger(minLevel, { ...base, ...fields }, sink),
  };
}
