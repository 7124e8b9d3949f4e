/**
 * Maps every error to the JSON envelope in one place: `AppError` as it says, the domain errors
 * of the engine and the providers by their kind (the table in docs/architecture.md, "Errors"),
 * Hono's `HTTPException` by status, anything else as a generic 500 whose details stay in the log.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AnalyticsSourceError } from "../observability/analytics/engine-source";
import { LlmUnavailableError, ProviderError } from "../providers/errors";
import { RagError, type RagErrorKind } from "../rag/types";
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

/** Status and code of each engine failure; a new kind does not compile until it is mapped here. */
const RAG_ERRORS: Record<RagErrorKind, { status: ContentfulStatusCode; code: ErrorCode }> = {
  bad_input: { status: 400, code: "bad_request" },
  not_found: { status: 404, code: "not_found" },
  conflict: { status: 409, code: "conflict" },
  // An upload whose extraction went over a limit (details name it): nothing was stored.
  too_large: { status: 413, code: "payload_too_large" },
  // Only the ingestion consumer sees it today; to a client, the document's state changed under it.
  cancelled: { status: 409, code: "conflict" },
};

/** Seconds a client should wait after the providers failed: about one circuit-breaker cool-down. */
const PROVIDERS_RETRY_AFTER_SECONDS = 30;

/** The HTTP reading of a domain error, or undefined when `error` is none. */
function fromDomainError(error: unknown): AppError | undefined {
  if (error instanceof RagError) {
    const { status, code } = RAG_ERRORS[error.kind];
    return new AppError(status, code, error.message, { details: error.details, cause: error });
  }
  if (error instanceof LlmUnavailableError) {
    return new AppError(503, "service_unavailable", error.message, {
      headers: { "Retry-After": String(PROVIDERS_RETRY_AFTER_SECONDS) },
      details: { attempts: error.attempts },
      cause: error,
    });
  }
  if (error instanceof ProviderError) {
    // The chains wrap call failures in LlmUnavailableError; one that escapes alone still means
    // the provider, not this service, failed. Its message never holds a key or a response body.
    const retryAfter =
      error.retryAfterMs === undefined ? PROVIDERS_RETRY_AFTER_SECONDS : Math.ceil(error.retryAfterMs / 1000);
    return new AppError(503, "service_unavailable", `LLM provider failed (${error.message})`, {
      headers: { "Retry-After": String(retryAfter) },
      details: { attempts: [{ provider: error.provider, kind: error.kind, status: error.status }] },
      cause: error,
    });
  }
  if (error instanceof AnalyticsSourceError) {
    // The dashboard's production source; the message names the status, never the token.
    return new AppError(503, "service_unavailable", error.message, {
      headers: { "Retry-After": String(PROVIDERS_RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
  return undefined;
}

/**
 * Converts any thrown value into an `AppError` fit for the client.
 *
 * @example
 * toAppError(new RagError("conflict", "A document with the same name already exists: a.txt")).status; // 409
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const domain = fromDomainError(error);
  if (domain) return domain;
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
  // Deliberate AppErrors and domain errors were logged where they were raised (the providers log
  // each failed call); only the unexpected needs a stack here.
  if (error.code === "internal_error" && !(thrown instanceof AppError)) {
    const cause = thrown instanceof Error ? thrown : new Error(String(thrown));
    c.get("logger")?.error("unhandled error", { error: cause.message, stack: cause.stack });
  }
  return errorResponse(c, error);
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, new AppError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`));
