/**
 * `POST /query` and `POST /api/query` (the seed's path, same body and answer): one JSON answer
 * `{response, references, response_time}` (LightRAG's `QueryResponse`).
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { runQuery } from "../../rag/query/engine";
import { PhaseTimer } from "../../rag/query/timings";
import type { AppEnv } from "../app-env";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";
import { collect, wireReferences } from "./query-answer";
import { type QueryRequest, queryRequestSchema, toQueryParams } from "./query-request";
import { queryDeps, recordQuery, setServerTiming } from "./query-service";

/**
 * Answers a validated `QueryRequest` in one piece, recorded like every query (metrics, audit):
 * the body of `/query`, shared with the MCP `query` tool.
 *
 * @example
 * const answer = await answerQuery(c, queryRequestSchema.parse({ query: "Who founded Acme?" }));
 */
export async function answerQuery(c: Context<AppEnv>, body: QueryRequest, timer = new PhaseTimer()) {
  const started = performance.now();
  const workspace = requestWorkspace(c);
  // `/query` always answers in one piece, whatever `stream` says (as LightRAG).
  const params = toQueryParams(body, c.get("config"), false);
  const run = await runQuery(queryDeps(c), workspace, body.query, params, { timer });
  const response = await collect(run.response);
  recordQuery(c, workspace, params.mode, run.cacheHit);
  return {
    response,
    references: params.includeReferences ? wireReferences(run, params.includeChunkContent) : null,
    response_time: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
}

async function answer(c: Context<AppEnv>) {
  const started = performance.now();
  const timer = new PhaseTimer();
  const body = await timer.time("body", () => readJsonBody(c, queryRequestSchema));
  const result = await answerQuery(c, body, timer);
  setServerTiming(c, timer, started);
  return c.json(result);
}

export const queryRoutes = new Hono<AppEnv>();
queryRoutes.post("/query", answer);
queryRoutes.post("/api/query", answer);
