/**
 * The query side's graph look-up as one SQL statement, shared by D1 and the graph index
 * Durable Object (same tables, same SQL): the entities of the `local` vector ids with every
 * edge touching them, the relations of the `global` vector ids with their endpoints, and the
 * degree of every node involved, as one row of JSON columns. Each extra statement or row
 * object costs more than the SQL itself. `CROSS JOIN` keeps `json_each` as the outer loop.
 */
import type { EntityRecord, RelationRecord } from "../graph";
import { rankedLookup } from "../graph-rank";
import type { GraphLookup, GraphLookupResult } from "../graph-search";
import { type EntityRow, type RelationRow, toEntity, toRelation } from "./graph-statements";

const ENTITY_JSON = `json_object('vector_id', e.vector_id, 'name', e.name, 'entity_type', e.entity_type,
  'description', e.description, 'source_id', e.source_id, 'file_path', e.file_path, 'created_at', e.created_at,
  'line_tokens', e.line_tokens)`;
const RELATION_JSON = `json_object('vector_id', r.vector_id, 'src', r.src, 'tgt', r.tgt, 'keywords', r.keywords,
  'description', r.description, 'weight', r.weight, 'source_id', r.source_id, 'file_path', r.file_path,
  'created_at', r.created_at, 'line_tokens', r.line_tokens)`;
const DEGREE = `(SELECT count(*) FROM relations AS d WHERE d.workspace = ?1 AND d.src = ends.name)
  + (SELECT count(*) FROM relations AS d WHERE d.workspace = ?1 AND d.tgt = ends.name)`;

/** ?1 workspace, ?2 entity vector ids (JSON array), ?3 relation vector ids (JSON array). */
export const GRAPH_LOOKUP_SQL = `WITH
  found AS MATERIALIZED (SELECT e.* FROM json_each(?2) AS j
    CROSS JOIN entities AS e ON e.workspace = ?1 AND e.vector_id = j.value),
  edges AS MATERIALIZED (
    SELECT r.* FROM relations AS r WHERE r.workspace = ?1 AND r.src IN (SELECT name FROM found)
    UNION SELECT r.* FROM relations AS r WHERE r.workspace = ?1 AND r.tgt IN (SELECT name FROM found)),
  rels AS MATERIALIZED (SELECT r.* FROM json_each(?3) AS j
    CROSS JOIN relations AS r ON r.workspace = ?1 AND r.vector_id = j.value),
  rel_ends AS (SELECT src AS name FROM rels UNION SELECT tgt FROM rels),
  ends AS (SELECT name FROM found UNION SELECT src FROM edges UNION SELECT tgt FROM edges
    UNION SELECT name FROM rel_ends)
SELECT
  (SELECT json_group_array(${ENTITY_JSON}) FROM found AS e) AS entities,
  (SELECT json_group_array(${RELATION_JSON}) FROM edges AS r) AS edges,
  (SELECT json_group_array(${RELATION_JSON}) FROM rels AS r) AS relations,
  (SELECT json_group_array(${ENTITY_JSON}) FROM rel_ends
    CROSS JOIN entities AS e ON e.workspace = ?1 AND e.name = rel_ends.name) AS endpoints,
  (SELECT json_group_object(ends.name, ${DEGREE}) FROM ends) AS degrees`;

/** The statement's one row: JSON texts. */
export interface GraphLookupRow {
  entities: string;
  edges: string;
  relations: string;
  endpoints: string;
  degrees: string;
}

/** The statement's bindings after the workspace; `null` when there is nothing to look up. */
export function graphLookupArgs(request: GraphLookup): [string, string] | null {
  const entities = request.entityVectorIds ?? [];
  const relations = request.relationVectorIds ?? [];
  if (entities.length + relations.length === 0) return null;
  return [JSON.stringify([...new Set(entities)]), JSON.stringify([...new Set(relations)])];
}

type WithVectorId<T> = T & { vector_id: string };

/** Rows in the order of `ids` (a vector search's ranking); unknown ids skipped. */
function ordered<R, T>(ids: string[], rows: WithVectorId<R>[], map: (row: R) => T): T[] {
  const byId = new Map(rows.map((row) => [row.vector_id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [map(row)] : [];
  });
}

const parse = <T>(json: string | undefined, empty: T): T => (json ? (JSON.parse(json) as T) : empty);

/**
 * The port's answer from the statement's row (`null`: nothing was looked up).
 *
 * @example
 * const result = graphLookupResult(request, await stmt.first<GraphLookupRow>());
 */
export function graphLookupResult(request: GraphLookup, row: GraphLookupRow | null): GraphLookupResult {
  const { entityVectorIds: entityIds, relationVectorIds: relationIds } = request;
  const degrees = new Map(Object.entries(parse<Record<string, number>>(row?.degrees, {})));
  return rankedLookup({
    ...(entityIds && {
      local: {
        entities: ordered<EntityRow, EntityRecord>(entityIds, parse(row?.entities, []), toEntity),
        edges: parse<RelationRow[]>(row?.edges, []).map(toRelation),
        degrees,
      },
    }),
    ...(relationIds && {
      global: {
        relations: ordered<RelationRow, RelationRecord>(relationIds, parse(row?.relations, []), toRelation),
        entities: parse<EntityRow[]>(row?.endpoints, []).map(toEntity),
        degrees,
      },
    }),
  });
}
