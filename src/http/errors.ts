/**
 * The one error type of the HTTP layer and its JSON envelope:
 * `{"error": {"code", "message", "request_id", "details"?}}`.
 *
 * Anything thrown that is not an `AppError` becomes a plain 500 in `error-handler.ts`;
 * its message and stack stay in the logs.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Machine-readable error codes; clients switch on these, never on messages. */
export const ERROR_CODES = [
  "bad_request",
  "invalid_json",
  "validation_error",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "internal_error",
  "service_unavailable",
  "read_only",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorOptions {
  /** Extra response headers, such as `Retry-After` or `Allow`. */
  headers?: Record<string, string>;
  /** Structured detail safe to show the client (validation issues, limits). */
  details?: unknown;
  cause?: unknown;
}

/**
 * An error with an HTTP status, a stable code and a message meant for the client.
 *
 * @example
 * throw new AppError(409, "conflict", "A document named report.pdf already exists");
 */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;
  readonly details: unknown;

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.details = options.details;
  }
}

/** The JSON body of every error response. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; request_id: string; details?: unknown };
}

/** Builds the envelope for `error` as seen by request `requestId`. */
export function errorEnvelope(error: AppError, requestId: string): ErrorEnvelope {
  const body: ErrorEnvelope = { error: { code: error.code, message: error.message, request_id: requestId } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}
