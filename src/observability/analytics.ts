/**
 * Analytics Engine data points for dashboards: one per request, per query, per ingested
 * document and per LLM call. Writing is fire-and-forget (the runtime batches it) and never
 * throws. The column layout is fixed here and documented in docs/observability.md, which has
 * the SQL API queries; the dashboard's queries are built in `analytics/engine-sql.ts`.
 *
 * | column  | request        | query               | document                 | llm               |
 * | ------- | -------------- | ------------------- | ------------------------ | ----------------- |
 * | index1  | workspace      | workspace           | workspace                | workspace         |
 * | blob1   | "request"      | "query"             | "document"               | "llm"             |
 * | blob2   | workspace      | workspace           | workspace                | workspace         |
 * | blob3   | route template | mode                | source (text/file/…)     | model             |
 * | blob4   | method         | "" or cache         | ""                       | provider          |
 * | blob5   | status code    | "ok" / "error"      | "processed" / "failed"   | role              |
 * | blob6   | route class    | —                   | —                        | —                 |
 * | double1 | duration ms    | duration ms         | duration ms              | 0                 |
 * | double2 | status code    | prompt tokens       | prompt tokens            | prompt tokens     |
 * | double3 | 0              | completion tokens   | completion tokens        | completion tokens |
 * | double4 | 0              | 1 when cached       | chunks                   | 1 when cached     |
 */
import { loadConfig } from "../config";
import type { Env } from "../env";
import { routeClass } from "./analytics/route-class";

export interface RequestPoint {
  workspace: string;
  route: string;
  method: string;
  status: number;
  duration_ms: number;
}

export interface QueryPoint {
  workspace: string;
  mode: string;
  ok: boolean;
  duration_ms: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  cached?: boolean;
}

export interface DocumentPoint {
  workspace: string;
  source: string;
  ok: boolean;
  duration_ms: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  chunks?: number;
}

export interface LlmPoint {
  workspace: string;
  model: string;
  provider: string;
  role: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached: boolean;
}

/** Writes one request point; blob6 is the route class the dashboard groups latency by. */
export function writeRequestPoint(env: Env, point: RequestPoint): void {
  write(env, point.workspace, {
    blobs: [
      "request",
      point.workspace,
      point.route,
      point.method,
      String(point.status),
      routeClass(point.method, point.route),
    ],
    doubles: [point.duration_ms, point.status, 0, 0],
  });
}

/**
 * Writes one query point (the query routes call it once per answered query, through
 * `writeRequestQueryPoint` in metrics.ts).
 *
 * @example
 * writeQueryPoint(env, { workspace: "default", mode: "hybrid", ok: true, duration_ms: 812, prompt_tokens: 900 });
 */
export function writeQueryPoint(env: Env, point: QueryPoint): void {
  write(env, point.workspace, {
    blobs: ["query", point.workspace, point.mode, point.cached ? "cache" : "", point.ok ? "ok" : "error"],
    doubles: [
      point.duration_ms,
      point.prompt_tokens ?? 0,
      point.completion_tokens ?? 0,
      point.cached ? 1 : 0,
    ],
  });
}

/** Writes one ingested-document point (the pipeline calls this when a document settles). */
export function writeDocumentPoint(env: Env, point: DocumentPoint): void {
  write(env, point.workspace, {
    blobs: ["document", point.workspace, point.source, "", point.ok ? "processed" : "failed"],
    doubles: [point.duration_ms, point.prompt_tokens ?? 0, point.completion_tokens ?? 0, point.chunks ?? 0],
  });
}

/**
 * Writes one LLM call point (provider answers and LLM cache hits, through `meteredUsage`).
 *
 * @example
 * writeLlmPoint(env, { workspace: "default", model: "gpt-4o-mini", provider: "openai", role: "query", prompt_tokens: 900, completion_tokens: 120, cached: false });
 */
export function writeLlmPoint(env: Env, point: LlmPoint): void {
  write(env, point.workspace, {
    blobs: ["llm", point.workspace, point.model, point.provider, point.role],
    doubles: [0, point.prompt_tokens, point.completion_tokens, point.cached ? 1 : 0],
  });
}

function write(env: Env, workspace: string, point: { blobs: string[]; doubles: number[] }): void {
  if (loadConfig(env).config?.ANALYTICS_ENABLED === false || !env.ANALYTICS) return;
  try {
    env.ANALYTICS.writeDataPoint({
      indexes: [workspace.slice(0, 96)],
      blobs: point.blobs.map((blob) => blob.slice(0, 256)),
      doubles: point.doubles.map((value) => (Number.isFinite(value) ? value : 0)),
    });
  } catch {
    // Analytics are best effort; a full buffer or a missing dataset must not fail a request.
  }
}
