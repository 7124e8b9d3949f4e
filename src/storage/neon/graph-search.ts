/**
 * Postgres adapter of the query-side graph port: both look-ups in one statement, the same CTEs
 * as D1's (src/storage/d1/graph-lookup.ts) with Postgres' JSON functions, answered as the same
 * JSON texts so one parser serves both.
 */
import type { Pool } from "@neondatabase/serverless";
import { type GraphLookupRow, graphLookupArgs, graphLookupResult } from "../d1/graph-lookup";
import type { GraphLookup, GraphLookupResult, GraphSearchStore } from "../graph-search";
import { pgQuery } from "./client";
import { degreeOf, ENTITY_COLUMNS, RELATION_COLUMNS } from "./graph";
import { selectList } from "./sql";

// Listed columns, not `e.*`: the rows travel as JSON, and their `tsv` would go with them.
const E = selectList(ENTITY_COLUMNS, "e");
const R = selectList(RELATION_COLUMNS, "r");

/** $1 workspace, $2 entity vector ids (JSON array), $3 relation vector ids (JSON array). */
const GRAPH_LOOKUP_SQL = `WITH
  found AS MATERIALIZED (SELECT ${E} FROM json_array_elements_text($2::json) AS j(id)
    JOIN entities AS e ON e.workspace = $1 AND e.vector_id = j.id),
  edges AS MATERIALIZED (
    SELECT ${R} FROM relations AS r WHERE r.workspace = $1 AND r.src IN (SELECT name FROM found)
    UNION SELECT ${R} FROM relations AS r WHERE r.workspace = $1 AND r.tgt IN (SELECT name FROM found)),
  rels AS MATERIALIZED (SELECT ${R} FROM json_array_elements_text($3::json) AS j(id)
    JOIN relations AS r ON r.workspace = $1 AND r.vector_id = j.id),
  rel_ends AS (SELECT src AS name FROM rels UNION SELECT tgt FROM rels),
  ends AS (SELECT name FROM found UNION SELECT src FROM edges UNION SELECT tgt FROM edges
    UNION SELECT name FROM rel_ends)
SELECT
  (SELECT coalesce(json_agg(e), '[]') FROM found AS e)::text AS entities,
  (SELECT coalesce(json_agg(r), '[]') FROM edges AS r)::text AS edges,
  (SELECT coalesce(json_agg(r), '[]') FROM rels AS r)::text AS relations,
  (SELECT coalesce(json_agg(e), '[]') FROM (SELECT ${E} FROM rel_ends
    JOIN entities AS e ON e.workspace = $1 AND e.name = rel_ends.name) AS e)::text AS endpoints,
  (SELECT coalesce(json_object_agg(ends.name, ${degreeOf("ends.name")}), '{}') FROM ends)::text AS degrees`;

export class PgGraphSearchStore implements GraphSearchStore {
  constructor(private readonly pool: Pool) {}

  async lookup(workspace: string, request: GraphLookup): Promise<GraphLookupResult> {
    const args = graphLookupArgs(request);
    const [row] = args
      ? await pgQuery<GraphLookupRow>(this.pool, GRAPH_LOOKUP_SQL, [workspace, ...args])
      : [];
    return { ...graphLookupResult(request, row ?? null), servedBy: "postgres" };
  }
}
