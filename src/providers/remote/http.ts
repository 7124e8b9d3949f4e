/** HTTP plumbing shared by the remote providers: POST JSON, map failures, read SSE/NDJSON streams. */
import type { z } from "zod";
import { ProviderError, parseRetryAfter } from "../errors";

/**
 * POSTs `body` as JSON; throws `ProviderError` for network failures and non-2xx answers.
 * The response body of an error is discarded unread: providers echo (masked) keys in it.
 */
export async function postJson(
  provider: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError(provider, "network", { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ProviderError(provider, "http", {
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    });
  }
  return response;
}

/** Reads a JSON body; a body that is not JSON is the provider's fault (`malformed`). */
export async function readJson(provider: string, response: Response, signal: AbortSignal): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError(provider, "malformed", { cause: error });
  }
}

/** Lines of a streamed body, decoded as UTF-8; a dropped connection becomes a `network` error. */
export async function* lines(
  provider: string,
  response: Response,
  signal: AbortSignal,
): AsyncIterable<string> {
  if (!response.body) throw new ProviderError(provider, "malformed");
  // Read bytes directly: a pipeThrough() would turn a dropped connection into an unhandled rejection.
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw new ProviderError(provider, "network", { cause: error });
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        yield buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
    buffer += decoder.decode();
    if (buffer.length > 0) yield buffer;
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** A stream that ended before its terminator (`[DONE]`, `message_stop`, `done: true`) was cut short. */
export function truncated(provider: string): ProviderError {
  return new ProviderError(provider, "network");
}

/** The `data:` payloads of a server-sent event stream, with their event names. */
export async function* sseEvents(
  provider: string,
  response: Response,
  signal: AbortSignal,
): AsyncIterable<{ event?: string; data: string }> {
  let event: string | undefined;
  for await (const line of lines(provider, response, signal)) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) yield { event, data: line.slice(5).trim() };
    else if (line === "") event = undefined;
  }
}

/**
 * `value` checked against `schema`; a provider answer of another shape is `malformed`.
 *
 * @example
 * const body = parseAnswer("openai", completionSchema, await readJson("openai", response, signal));
 */
export function parseAnswer<T>(provider: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ProviderError(provider, "malformed", { cause: parsed.error });
  return parsed.data;
}

/** Parses one streamed JSON payload; garbage mid-stream is `malformed`. */
export function parseChunk(provider: string, data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new ProviderError(provider, "malformed", { cause: error });
  }
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
