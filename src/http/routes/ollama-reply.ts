/**
 * Writes an answer the way Ollama does: one JSON object, or NDJSON lines with `done: false`
 * and a last line `done: true` carrying Ollama's timings (nanoseconds) and token counts. A
 * failure after the stream started is an error line, then the closing `done: true` line.
 */
import type { Context } from "hono";
import { requestWaitUntil } from "../../observability/request-context";
import { loadTokenizer } from "../../rag/query/tokens";
import type { AppEnv } from "../app-env";

const NDJSON_HEADERS = {
  "Content-Type": "application/x-ndjson",
  "Cache-Control": "no-cache",
  "X-Accel-Buffering": "no",
};

const NS_PER_MS = 1_000_000;

export interface DoneStats {
  done_reason: "stop";
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

export interface ReplyShape {
  /** A line of a streamed answer carrying `text` (`done: false`). */
  chunk(text: string): object;
  /** The whole answer (`text` is all of it) or the last line of a stream (`text` is ""). */
  done(text: string, stats: DoneStats): object;
}

export interface Reply {
  stream: boolean;
  response: string | AsyncIterable<string>;
  /** What the model was asked, for `prompt_eval_count`. */
  prompt: string;
  /** `performance.now()` when the request arrived. */
  started: number;
}

async function stats(reply: Reply, text: string, firstAt: number, lastAt: number): Promise<DoneStats> {
  const tokenizer = await loadTokenizer();
  const ns = (ms: number) => Math.max(0, Math.round(ms * NS_PER_MS));
  return {
    done_reason: "stop",
    total_duration: ns(lastAt - reply.started),
    load_duration: 0,
    prompt_eval_count: tokenizer.count(reply.prompt),
    prompt_eval_duration: ns(firstAt - reply.started),
    eval_count: tokenizer.count(text),
    eval_duration: ns(lastAt - firstAt),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Answers `reply` in `shape`: JSON when not streaming, NDJSON otherwise.
 *
 * @example
 * return ollamaReply(c, { stream: true, response: run.response, prompt, started }, chatShape(model));
 */
export async function ollamaReply(c: Context<AppEnv>, reply: Reply, shape: ReplyShape): Promise<Response> {
  if (!reply.stream || typeof reply.response === "string") {
    const firstAt = performance.now();
    let text = "";
    if (typeof reply.response === "string") text = reply.response;
    else for await (const piece of reply.response) text += piece;
    const done = shape.done(reply.stream ? "" : text, await stats(reply, text, firstAt, performance.now()));
    if (!reply.stream) return c.json(done);
    return ndjson(c, async (write) => {
      await write(shape.chunk(text));
      await write(done);
    });
  }
  const pieces = reply.response;
  return ndjson(c, async (write) => {
    let text = "";
    let firstAt: number | undefined;
    try {
      for await (const piece of pieces) {
        if (!piece) continue;
        firstAt ??= performance.now();
        text += piece;
        await write(shape.chunk(piece));
      }
    } catch (error) {
      c.get("logger").error("ollama stream failed", { error: errorMessage(error) });
      const message = `\n\nError: ${errorMessage(error)}`;
      await write({ ...shape.chunk(message), error: message });
    }
    const lastAt = performance.now();
    await write(shape.done("", await stats(reply, text, firstAt ?? lastAt, lastAt)));
  });
}

type Write = (line: object) => Promise<void>;

function ndjson(c: Context<AppEnv>, body: (write: Write) => Promise<void>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const write: Write = (line) => writer.write(encoder.encode(`${JSON.stringify(line)}\n`));
  const done = body(write)
    .catch((error) => c.get("logger").error("ollama stream failed", { error: errorMessage(error) }))
    .finally(() => writer.close().catch(() => undefined));
  requestWaitUntil(c)(done);
  return new Response(readable, { status: 200, headers: NDJSON_HEADERS });
}
