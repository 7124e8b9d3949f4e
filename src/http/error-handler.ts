/**
 * Maps every error to the JSON envelope in one place: `AppError` as it says, Hono's
 * `HTTPException` by status, anything else as a generic 500 whose details stay in the log.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env";
import { AppError, type ErrorCode, errorEnvelope } from "./errors";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "validation_error",
  429: "rate_limited",
  503: "service_unavailable",
};

/** Converts any thrown value into an `AppError` fit for the client. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    const code = CODE_BY_STATUS[error.status] ?? "bad_request";
    return new AppError(error.status, code, error.message || code.replaceAll("_", " "), { cause: error });
  }
  return new AppError(500, "internal_error", "Internal server error", { cause: error });
}

/** Writes `error` as the JSON envelope with its status and headers. */
export function errorResponse(c: Context<AppEnv>, error: AppError): Response {
  const requestId = c.get("requestId") ?? "unknown";
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorEnvelope(error, requestId), error.status);
}

export const onError: ErrorHandler<AppEnv> = (thrown, c) => {
  const error = toAppError(thrown);
  // Deliberate AppErrors were logged where they were raised; only the unexpected needs a stack here.
  if (error.status >= 500 && !(thrown instanceof AppError)) {
    const cause = thrown instanceof Error ? thrown : new Error(String(thrown));
    c.get("logger")?.error("unhandled error", { error: cause.message, stack: cause.stack });
  }
  return errorResponse(c, error);
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, new AppError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`));
