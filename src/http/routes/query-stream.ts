/**
 * `POST /query/stream`: NDJSON exactly as LightRAG — `{"progress"}` lines (with
 * `include_progress`), then `{"references"}`, then `{"response"}` deltas; a cached or
 * non-streamed answer is one `{"response", "references"}` line; a failure once the stream has
 * started is an `{"error"}` line.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { countMetric } from "../../observability/metrics";
import { requestWaitUntil } from "../../observability/request-context";
import { type QueryRun, runQuery } from "../../rag/query/engine";
import type { QueryParams } from "../../rag/query/params";
import type { AppEnv } from "../app-env";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";
import { wireReferences } from "./query-answer";
import { queryRequestSchema, toQueryParams } from "./query-request";
import { queryDeps, recordQuery } from "./query-service";

const NDJSON_HEADERS = {
  "Content-Type": "application/x-ndjson",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

type Write = (line: object) => Promise<void>;

async function writeAnswer(run: QueryRun, params: QueryParams, write: Write): Promise<void> {
  const references = wireReferences(run, params.includeChunkContent);
  if (typeof run.response === "string") {
    await write(
      params.includeReferences ? { response: run.response, references } : { response: run.response },
    );
    return;
  }
  if (params.includeReferences) await write({ references });
  for await (const piece of run.response) if (piece) await write({ response: piece });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function stream(c: Context<AppEnv>) {
  const started = performance.now();
  const body = await readJsonBody(c, queryRequestSchema);
  const workspace = requestWorkspace(c);
  const params = toQueryParams(body, c.get("config"), body.stream ?? true);
  const deps = queryDeps(c);
  const logger = c.get("logger");
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const write: Write = (line) => writer.write(encoder.encode(`${JSON.stringify(line)}\n`));

  // Without progress lines, retrieval runs before the answer starts so its errors get a status.
  const early = body.include_progress ? null : await runQuery(deps, workspace, body.query, params);
  // Counted before the body streams: the request's metrics batch is flushed with the headers.
  if (early) recordQuery(c, workspace, params.mode, early.cacheHit);
  else recordQuery(c, workspace, params.mode, false);
  const body$ = (async () => {
    try {
      const run =
        early ??
        (await runQuery(deps, workspace, body.query, params, {
          onProgress: (step) => void write({ progress: step }),
        }));
      // Counted before this run knew: a streamed answer served from the cache is a hit too.
      if (!early && run.cacheHit) countMetric(c, "lightrag_cache_hits_total", { cache: "query" });
      await writeAnswer(run, params, write);
      if (body.include_progress) {
        await write({ response_time: Number(((performance.now() - started) / 1000).toFixed(3)) });
      }
    } catch (error) {
      logger.error("query stream failed", { error: errorMessage(error) });
      await write({ error: errorMessage(error) }).catch(() => undefined);
    } finally {
      await writer.close().catch(() => undefined);
    }
  })();
  requestWaitUntil(c)(body$);
  return new Response(readable, { status: 200, headers: NDJSON_HEADERS });
}

export const queryStreamRoutes = new Hono<AppEnv>();
queryStreamRoutes.post("/query/stream", stream);
