/**
 * Provider failures, as domain errors: the providers know no HTTP of our own API, and
 * `src/http/error-handler.ts` maps these to 503 `service_unavailable` (docs/providers.md).
 * Messages name the provider and the HTTP status (or what went wrong), never a key, a URL with
 * credentials, or the provider's response body, which can echo keys.
 */

/** Why one provider call failed. */
export type FailureKind = "http" | "timeout" | "network" | "malformed" | "circuit_open";

export interface ProviderErrorOptions {
  status?: number;
  /** Milliseconds the provider asked us to wait (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

/** One failed call to one provider. */
export class ProviderError extends Error {
  readonly provider: string;
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(provider: string, kind: FailureKind, options: ProviderErrorOptions = {}) {
    const what = kind === "http" ? `HTTP ${options.status}` : kind.replace("_", " ");
    super(`${provider}: ${what}`, { cause: options.cause });
    this.name = "ProviderError";
    this.provider = provider;
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** 429, 5xx, timeouts and dropped connections may pass; other 4xx and bad output will not. */
  get retryable(): boolean {
    if (this.kind === "timeout" || this.kind === "network") return true;
    if (this.kind !== "http" || this.status === undefined) return false;
    return this.status === 429 || this.status >= 500;
  }

  /** Failures that say something about the provider's health, as opposed to the request's. */
  get countsAgainstProvider(): boolean {
    if (this.kind !== "http") return this.kind !== "circuit_open";
    const status = this.status ?? 500;
    return status === 429 || status >= 500 || status === 401 || status === 403;
  }
}

/** One line of the failover report. */
export interface ProviderAttempt {
  provider: string;
  model: string;
  kind: FailureKind;
  status?: number;
}

/**
 * Every provider in the chain failed (or none may be called): the caller learns what each one
 * did. The error handler answers it as 503 with `Retry-After` and the attempts.
 *
 * @example
 * throw new LlmUnavailableError("LLM", [{ provider: "openai", model: "gpt-4o-mini", kind: "http", status: 502 }]);
 * // message: "LLM providers unavailable (openai 502)"
 */
export class LlmUnavailableError extends Error {
  readonly what: "LLM" | "Embedding";
  readonly attempts: ProviderAttempt[];

  constructor(what: "LLM" | "Embedding", attempts: ProviderAttempt[]) {
    const summary = attempts
      .map((a) => `${a.provider} ${a.kind === "http" ? a.status : a.kind.replace("_", " ")}`)
      .join("; ");
    super(`${what} providers unavailable (${summary || "none configured"})`);
    this.name = "LlmUnavailableError";
    this.what = what;
    this.attempts = attempts;
  }
}

/** Reads Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
