/**
 * Analytics Engine data points for dashboards: one per request, per query and per ingested
 * document. Writing is fire-and-forget (the runtime batches it) and never throws. The column
 * layout is fixed here and documented in docs/observability.md, which has the SQL API queries.
 *
 * | column  | request        | query               | document                 |
 * | ------- | -------------- | ------------------- | ------------------------ |
 * | index1  | workspace      | workspace           | workspace                |
 * | blob1   | "request"      | "query"             | "document"               |
 * | blob2   | workspace      | workspace           | workspace                |
 * | blob3   | route template | mode                | source (text/file/…)     |
 * | blob4   | method         | "" or cache         | ""                       |
 * | blob5   | status code    | "ok" / "error"      | "processed" / "failed"   |
 * | double1 | duration ms    | duration ms         | duration ms              |
 * | double2 | status code    | prompt tokens       | prompt tokens            |
 * | double3 | 0              | completion tokens   | completion tokens        |
 * | double4 | 0              | 1 when cached       | chunks                   |
 */
import { loadConfig } from "../config";
import type { Env } from "../env";

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

/** Writes one request point. */
export function writeRequestPoint(env: Env, point: RequestPoint): void {
  write(env, point.workspace, {
    blobs: ["request", point.workspace, point.route, point.method, String(point.status)],
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
