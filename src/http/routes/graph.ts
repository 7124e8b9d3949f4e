/**
 * LightRAG's graph read API: `GET /graphs` (a `KnowledgeGraph` around a label),
 * `/graph/label/list|popular|search` and `/graph/entity/exists`.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { MAX_NAME_LENGTH } from "../../rag/extraction/names";
import type { EntityRecord, GraphStore, RelationRecord } from "../../storage/graph";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { requestWorkspace } from "../workspace";

type GraphContext = Context<AppEnv>;

function graphStore(c: GraphContext): GraphStore {
  return c.get("services").stores.graph;
}

function parseQuery<T extends z.ZodType>(c: GraphContext, schema: T): z.output<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new AppError(422, "validation_error", "Invalid query parameters", {
      details: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  return parsed.data;
}

const intParam = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * An entity name (or part of one) as a query parameter: required, and no longer than a stored
 * name can be (MAX_NAME_LENGTH characters), so a longer value is a clear 422 instead of a
 * search that cannot match.
 */
const nameParam = (field: string) =>
  z
    .string()
    .trim()
    .min(1, `${field} is required`)
    .max(
      MAX_NAME_LENGTH,
      `${field} must be at most ${MAX_NAME_LENGTH} characters (entity names are no longer)`,
    );

export const popularLabelsQuery = z.object({ limit: intParam(300, 1, 1000) });
export const entityExistsQuery = z.object({ name: nameParam("name") });

/** A node of LightRAG's `KnowledgeGraph`. */
export function wireNode(entity: EntityRecord) {
  return {
    id: entity.name,
    labels: [entity.name],
    properties: {
      entity_id: entity.name,
      entity_type: entity.entityType,
      description: entity.description,
      source_id: entity.sourceId,
      file_path: entity.filePath,
      created_at: entity.createdAt,
    },
  };
}

/** An edge of LightRAG's `KnowledgeGraph` (stored with source <= target). */
export function wireEdge(relation: RelationRecord) {
  return {
    id: `${relation.src}-${relation.tgt}`,
    type: "DIRECTED",
    source: relation.src,
    target: relation.tgt,
    properties: {
      weight: relation.weight,
      description: relation.description,
      keywords: relation.keywords,
      source_id: relation.sourceId,
      file_path: relation.filePath,
      created_at: relation.createdAt,
    },
  };
}

/** `GET /graphs` query (and the MCP `get_graph` tool); `max_nodes` defaults to, and is capped at, MAX_GRAPH_NODES. */
export const graphQuerySchema = z.object({
  label: nameParam("label"),
  max_depth: intParam(3, 1, 100),
  max_nodes: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

/** `GET /graph/label/search` query (and the MCP `search_labels` tool). */
export const labelSearchSchema = z.object({ q: nameParam("q"), limit: intParam(50, 1, 100) });

/**
 * LightRAG's `KnowledgeGraph` around a label of the request's workspace, breadth first up to
 * `max_depth` hops and at most `max_nodes` nodes: shared by `GET /graphs` and the MCP tool.
 *
 * @example
 * const graph = await knowledgeGraph(c, graphQuerySchema.parse({ label: "Ada Lovelace", max_depth: 1 }));
 */
export async function knowledgeGraph(c: GraphContext, query: z.output<typeof graphQuerySchema>) {
  const config = c.get("config");
  const maxNodes = Math.min(query.max_nodes ?? config.MAX_GRAPH_NODES, config.MAX_GRAPH_NODES);
  const found = await graphStore(c).neighbourhood(
    requestWorkspace(c),
    query.label,
    query.max_depth,
    maxNodes,
  );
  return {
    nodes: found.entities.map(wireNode),
    edges: found.relations.map(wireEdge),
    is_truncated: found.truncated,
  };
}

/**
 * Entity names of the request's workspace matching `q`, best first.
 *
 * @example
 * await searchLabels(c, labelSearchSchema.parse({ q: "ada" })); // ["Ada Lovelace"]
 */
export async function searchLabels(c: GraphContext, query: z.output<typeof labelSearchSchema>) {
  return graphStore(c).searchLabels(requestWorkspace(c), query.q, query.limit);
}

export const graphRoutes = new Hono<AppEnv>();

graphRoutes.get("/graphs", async (c) => c.json(await knowledgeGraph(c, parseQuery(c, graphQuerySchema))));

graphRoutes.get("/graph/label/list", async (c) => {
  return c.json(await graphStore(c).allLabels(requestWorkspace(c)));
});

graphRoutes.get("/graph/label/popular", async (c) => {
  const { limit } = parseQuery(c, popularLabelsQuery);
  return c.json(await graphStore(c).popularLabels(requestWorkspace(c), limit));
});

graphRoutes.get("/graph/label/search", async (c) =>
  c.json(await searchLabels(c, parseQuery(c, labelSearchSchema))),
);

graphRoutes.get("/graph/entity/exists", async (c) => {
  const { name } = parseQuery(c, entityExistsQuery);
  const found = await graphStore(c).getEntities(requestWorkspace(c), [name]);
  return c.json({ exists: found.length > 0 });
});
