/**
 * The dashboard's series from Workers Analytics Engine, through its SQL API: the worker sends
 * the four queries of `engine-sql.ts` with a server-side API token (never the browser's) and
 * folds the rows into the common answer. Plain TS over `fetch`, so it is tested against a fake
 * HTTP server that checks the SQL and the Authorization header.
 */
import { z } from "zod";
import { type EngineQueryName, engineQueries } from "./engine-sql";
import type { SeriesRequest } from "./local-source";
import type { AnalyticsResponse } from "./schema";
import { SeriesBuilder } from "./series";

export interface EngineConnection {
  /** API base, `https://api.cloudflare.com/client/v4` unless overridden. */
  baseUrl: string;
  accountId: string;
  /** An API token with the Account Analytics Read permission. */
  token: string;
  dataset: string;
  fetch?: typeof fetch;
  /** Per query; the dashboard waits for all four. */
  timeoutMs?: number;
}

/** Analytics Engine could not answer (network, status, or an answer of another shape). */
export class AnalyticsSourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AnalyticsSourceError";
  }
}

// ClickHouse's JSON format quotes 64-bit integers, so every number may arrive as text.
const num = z.coerce.number().catch(0);
const text = z.coerce.string().catch("");
const answerSchema = z.object({ data: z.array(z.record(z.string(), z.unknown())) });

const DEFAULT_TIMEOUT_MS = 10_000;

/** `YYYY-MM-DD HH:MM:SS` (UTC, as the SQL API prints DateTime) or ISO, to epoch ms. */
function epochMs(value: unknown): number {
  const raw = String(value ?? "");
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(raw) ? `${raw.replace(" ", "T")}Z` : raw;
  return Date.parse(iso);
}

/**
 * Runs one SQL statement and returns its rows.
 *
 * @example
 * const rows = await runEngineSql(connection, "SELECT 1 AS one FORMAT JSON");
 */
export async function runEngineSql(
  connection: EngineConnection,
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  const url = `${connection.baseUrl.replace(/\/+$/, "")}/accounts/${encodeURIComponent(connection.accountId)}/analytics_engine/sql`;
  let response: Response;
  try {
    response = await (connection.fetch ?? fetch)(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${connection.token}`, "Content-Type": "text/plain" },
      body: sql,
      signal: AbortSignal.timeout(connection.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    throw new AnalyticsSourceError("Analytics Engine SQL API unreachable", { cause: error });
  }
  const body = await response.text();
  if (!response.ok) {
    // The status only: the client sees this message, and the body may echo the query.
    throw new AnalyticsSourceError(`Analytics Engine SQL API answered ${response.status}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new AnalyticsSourceError("Analytics Engine SQL API answered no JSON", { cause: error });
  }
  const answer = answerSchema.safeParse(parsed);
  if (!answer.success)
    throw new AnalyticsSourceError("Analytics Engine SQL API answered an unexpected shape");
  return answer.data.data;
}

/**
 * The dashboard answer for `request` from Analytics Engine.
 *
 * @example
 * const answer = await engineSeries(connection, { range: "day", now: Date.now(), workspace: null, prices: {} });
 */
export async function engineSeries(
  connection: EngineConnection,
  request: SeriesRequest,
): Promise<AnalyticsResponse> {
  const sql = engineQueries(connection.dataset, request.range, request.workspace);
  const names = Object.keys(sql) as EngineQueryName[];
  const results = await Promise.all(names.map((name) => runEngineSql(connection, sql[name])));
  const rows = Object.fromEntries(names.map((name, i) => [name, results[i] ?? []])) as Record<
    EngineQueryName,
    Array<Record<string, unknown>>
  >;
  const series = new SeriesBuilder({ ...request, source: "analytics_engine" });
  for (const row of rows.requests) {
    const t = epochMs(row.t);
    const routeClass = text.parse(row.class) || "unknown";
    series.addRequests(t, num.parse(row.requests), num.parse(row.errors));
    const limited = num.parse(row.limited);
    if (limited > 0) series.addRateLimited(routeClass, t, limited);
    series.setLatency(routeClass, t, num.parse(row.p50), num.parse(row.p95));
  }
  for (const row of rows.queries) {
    const t = epochMs(row.t);
    const queries = num.parse(row.queries);
    series.addQueries(text.parse(row.mode), t, queries);
    series.addCache(t, num.parse(row.cached), queries);
  }
  for (const row of rows.documents)
    series.addDocuments(text.parse(row.status), epochMs(row.t), num.parse(row.documents));
  for (const row of rows.llm) {
    series.addTokens(
      text.parse(row.workspace),
      text.parse(row.model),
      epochMs(row.t),
      num.parse(row.prompt_tokens),
      num.parse(row.completion_tokens),
    );
  }
  return series.build();
}
