/**
 * The `ppr` retrieval step: builds the query's bounded entity–chunk–entity neighbourhood from
 * the graph hits already found (hop 1: the seeds' edges) and one more graph look-up (hop 2:
 * the best-connected neighbours with their source chunks), seeds it HippoRAG 2's way and ranks
 * chunks by Personalized PageRank. One extra round trip to the graph port (the graph index
 * Durable Object, D1 behind it, or any other backend's adapter); no LLM call.
 */
import { type EntityRecord, type RelationRecord, splitSources } from "../../storage/graph";
import { entityVectorId, relationVectorId } from "../../storage/vector-ids";
import type { VectorMatch, VectorStore } from "../../storage/vectors";
import { PPR_DEFAULTS, PprGraphBuilder, personalizedPageRank, topNodes } from "./ppr";
import { type PhaseTimer, timed } from "./timings";
import type { QueryDeps } from "./types";

const ENTITY = "e:";
const CHUNK = "c:";

export interface PprInput {
  /** Entities found for the query (local hits, then global endpoints), best first. */
  entities: EntityRecord[];
  /** Relations found (edges touching the local hits, then the global hits). */
  relations: RelationRecord[];
  /** Chunks of the query-vector search, with their similarity. */
  chunkMatches: VectorMatch[];
  /** Similarity of every entity and relation vector id the graph search matched. */
  scores: Map<string, number>;
  /** Second-hop entities read at most (LightRAG's `top_k`: the first hop's budget again). */
  maxNeighbours: number;
  /** Chunks returned at most (`chunk_top_k`). */
  limit: number;
}

/**
 * A view of `store` that remembers the score of every match its queries return, so the seeds
 * get their similarity without a second vector query.
 *
 * @example
 * const { store, scores } = recordingVectors(deps.vectors);
 */
export function recordingVectors(store: VectorStore): { store: VectorStore; scores: Map<string, number> } {
  const scores = new Map<string, number>();
  const recording: VectorStore = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === "query" && typeof value === "function") {
        return async (...args: Parameters<VectorStore["query"]>) => {
          const matches = await target.query(...args);
          for (const match of matches)
            scores.set(match.id, Math.max(match.score, scores.get(match.id) ?? -1));
          return matches;
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: recording, scores };
}

/** An entity's seed weight: its similarity (or its best relation's), over its chunk count (HippoRAG's node specificity). */
function entitySeeds(input: PprInput): Map<string, number> {
  const seeds = new Map<string, number>();
  const similarity = new Map<string, number>();
  for (const entity of input.entities) {
    const score = input.scores.get(entityVectorId(entity.name));
    if (score !== undefined) similarity.set(entity.name, score);
  }
  for (const relation of input.relations) {
    const score = input.scores.get(relationVectorId(relation.src, relation.tgt));
    if (score === undefined) continue;
    for (const name of [relation.src, relation.tgt])
      similarity.set(name, Math.max(score, similarity.get(name) ?? Number.NEGATIVE_INFINITY));
  }
  const chunksOf = new Map(input.entities.map((e) => [e.name, new Set(splitSources(e.sourceId)).size]));
  for (const [name, score] of similarity) {
    if (score > 0) seeds.set(name, score / Math.max(1, chunksOf.get(name) ?? 1));
  }
  return seeds;
}

/**
 * Chunk ids ranked by Personalized PageRank over the query's neighbourhood, best first.
 *
 * @example
 * const ids = await pprChunks(deps, ws, { entities, relations, chunkMatches, scores, maxNeighbours: 40, limit: 20 });
 */
export async function pprChunks(
  deps: Pick<QueryDeps, "graphSearch">,
  workspace: string,
  input: PprInput,
  timer?: PhaseTimer,
): Promise<string[]> {
  const graph = new PprGraphBuilder();
  const seeds = entitySeeds(input);
  const known = new Set<string>();
  const addEntity = (entity: EntityRecord) => {
    known.add(entity.name);
    for (const chunk of splitSources(entity.sourceId)) graph.edge(ENTITY + entity.name, CHUNK + chunk);
  };
  for (const entity of input.entities) addEntity(entity);
  // Hop 1: the found edges; their unknown endpoints, ranked by the seed weight next to them.
  const pull = new Map<string, number>();
  for (const relation of input.relations) {
    graph.edge(ENTITY + relation.src, ENTITY + relation.tgt);
    for (const [near, far] of [
      [relation.src, relation.tgt],
      [relation.tgt, relation.src],
    ] as const) {
      if (!known.has(far)) pull.set(far, (pull.get(far) ?? 0) + (seeds.get(near) ?? 0));
    }
  }
  const neighbours = [...pull]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, input.maxNeighbours)
    .map(([name]) => name);
  // Hop 2: the neighbours' own chunks, and their edges among the nodes already reached.
  if (neighbours.length > 0) {
    const found = await timed(timer, "ppr_graph", () =>
      deps.graphSearch.lookup(workspace, { entityVectorIds: neighbours.map(entityVectorId) }),
    );
    for (const entity of found.local?.entities ?? []) addEntity(entity);
    for (const edge of found.local?.relations ?? []) {
      if (graph.has(ENTITY + edge.src) && graph.has(ENTITY + edge.tgt))
        graph.edge(ENTITY + edge.src, ENTITY + edge.tgt);
    }
  }
  for (const match of input.chunkMatches) graph.node(CHUNK + match.id);
  const built = graph.build();
  const index = new Map(built.ids.map((id, i) => [id, i]));
  const personal = new Map<number, number>();
  for (const [name, weight] of seeds) {
    const at = index.get(ENTITY + name);
    if (at !== undefined) personal.set(at, weight);
  }
  for (const match of input.chunkMatches) {
    const at = index.get(CHUNK + match.id);
    if (at !== undefined && match.score > 0)
      personal.set(at, (personal.get(at) ?? 0) + PPR_DEFAULTS.passageWeight * match.score);
  }
  const scores = personalizedPageRank(built, personal);
  return topNodes(built, scores, (id) => id.startsWith(CHUNK), input.limit).map(({ id }) =>
    id.slice(CHUNK.length),
  );
}
