/**
 * The Analytics Engine SQL of the dashboard: four grouped queries per window over the points
 * `../analytics.ts` writes (request, query, document, llm). Values that end up in the SQL are
 * checked here (dataset name, workspace) and quoted, so nothing a caller sends is spliced raw.
 */
import { type AnalyticsRange, RANGE_SPECS } from "./ranges";

export type EngineQueryName = "requests" | "queries" | "documents" | "llm";

const IDENTIFIER = /^[A-Za-z0-9_]{1,128}$/;
const WORKSPACE = /^[A-Za-z0-9_]{1,64}$/;

/** A SQL string literal (backslash escapes, as ClickHouse reads them). */
function literal(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/**
 * The SQL of each dashboard query for `range` over `dataset`, narrowed to `workspace` (index1)
 * when given. Throws on a dataset or workspace that is not a plain identifier.
 *
 * @example
 * engineQueries("lightrag_edge_production", "day", null).requests;
 * // "SELECT toStartOfInterval(timestamp, INTERVAL '1' HOUR) AS t, … FORMAT JSON"
 */
export function engineQueries(
  dataset: string,
  range: AnalyticsRange,
  workspace: string | null,
): Record<EngineQueryName, string> {
  if (!IDENTIFIER.test(dataset)) throw new Error(`invalid Analytics Engine dataset name: ${dataset}`);
  if (workspace !== null && !WORKSPACE.test(workspace)) throw new Error("invalid workspace");
  const { sqlStep, sqlWindow } = RANGE_SPECS[range];
  const t = `toStartOfInterval(timestamp, INTERVAL ${sqlStep}) AS t`;
  const where = (kind: string) =>
    [
      `blob1 = ${literal(kind)}`,
      `timestamp > NOW() - INTERVAL ${sqlWindow}`,
      ...(workspace === null ? [] : [`index1 = ${literal(workspace)}`]),
    ].join(" AND ");
  const query = (select: string[], kind: string, groupBy: string) =>
    `SELECT ${[t, ...select].join(", ")} FROM ${dataset} WHERE ${where(kind)} GROUP BY ${groupBy} ORDER BY t FORMAT JSON`;
  return {
    requests: query(
      [
        "blob6 AS class",
        "SUM(_sample_interval) AS requests",
        "SUM(IF(double2 >= 500, _sample_interval, 0)) AS errors",
        "SUM(IF(double2 = 429, _sample_interval, 0)) AS limited",
        "quantileExactWeighted(0.5)(double1, _sample_interval) AS p50",
        "quantileExactWeighted(0.95)(double1, _sample_interval) AS p95",
      ],
      "request",
      "t, class",
    ),
    queries: query(
      [
        "blob3 AS mode",
        "SUM(_sample_interval) AS queries",
        "SUM(IF(double4 > 0, _sample_interval, 0)) AS cached",
      ],
      "query",
      "t, mode",
    ),
    documents: query(["blob5 AS status", "SUM(_sample_interval) AS documents"], "document", "t, status"),
    llm: query(
      [
        "blob2 AS workspace",
        "blob3 AS model",
        "SUM(double2 * _sample_interval) AS prompt_tokens",
        "SUM(double3 * _sample_interval) AS completion_tokens",
      ],
      "llm",
      "t, workspace, model",
    ),
  };
}
