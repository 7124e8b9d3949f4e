/**
 * `POST /query/data`: retrieval without generation (only keyword extraction calls the LLM),
 * in LightRAG's `QueryDataResponse` shape.
 */
import { type Context, Hono } from "hono";
import { formatTime } from "../../rag/query/context";
import { retrieveForQuery } from "../../rag/query/engine";
import { PhaseTimer } from "../../rag/query/timings";
import type { RetrievalResult } from "../../rag/query/types";
import type { AppEnv } from "../app-env";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";
import { type QueryRequest, queryRequestSchema, toQueryParams } from "./query-request";
import { queryDeps, recordQuery, setServerTiming } from "./query-service";

function wireData(result: RetrievalResult) {
  return {
    entities: result.entities.map((e) => ({
      entity_name: e.name,
      entity_type: e.entityType,
      description: e.description,
      source_id: e.sourceId,
      file_path: e.filePath,
      created_at: formatTime(e.createdAt),
    })),
    relationships: result.relations.map((r) => ({
      src_id: r.src,
      tgt_id: r.tgt,
      description: r.description,
      keywords: r.keywords,
      weight: r.weight,
      source_id: r.sourceId,
      file_path: r.filePath,
      created_at: formatTime(r.createdAt),
    })),
    chunks: result.chunks.map((chunk, i) => ({
      reference_id: result.chunkReferenceIds[i] ?? "",
      content: chunk.content,
      file_path: chunk.filePath,
      chunk_id: chunk.id,
    })),
    references: result.references,
  };
}

/**
 * Retrieval for a validated `QueryRequest`, in LightRAG's `QueryDataResponse` shape, recorded
 * like every query: the body of `/query/data`, shared with the MCP `query_data` tool.
 *
 * @example
 * const data = await queryData(c, queryRequestSchema.parse({ query: "Acme", mode: "local" }));
 */
export async function queryData(c: Context<AppEnv>, body: QueryRequest, timer = new PhaseTimer()) {
  const workspace = requestWorkspace(c);
  const params = toQueryParams(body, c.get("config"), false);
  const { keywords, retrieval } = await retrieveForQuery(queryDeps(c), workspace, body.query, params, {
    timer,
  });
  recordQuery(c, workspace, params.mode, false);
  const metadata = {
    query_mode: params.mode,
    keywords: { high_level: keywords.high, low_level: keywords.low },
  };
  if (params.mode === "bypass") {
    return {
      status: "success",
      message: "Bypass mode: no retrieval",
      data: { entities: [], relationships: [], chunks: [], references: [] },
      metadata,
    };
  }
  if (!retrieval) {
    return { status: "failure", message: "Query returned no results", data: {}, metadata };
  }
  return {
    status: "success",
    message: "Query executed successfully",
    data: wireData(retrieval),
    metadata: { ...metadata, processing_info: retrieval.info },
  };
}

export const queryDataRoutes = new Hono<AppEnv>();

queryDataRoutes.post("/query/data", async (c) => {
  const started = performance.now();
  const timer = new PhaseTimer();
  const body = await timer.time("body", () => readJsonBody(c, queryRequestSchema));
  const result = await queryData(c, body, timer);
  setServerTiming(c, timer, started);
  return c.json(result);
});
