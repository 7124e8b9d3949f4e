/** Query defaults with LightRAG's variable names (`constants.py`, `env.example`). */
import { z } from "zod";
import { bool, positiveInt } from "./fields";

export const queryFields = {
  TOP_K: positiveInt(40),
  CHUNK_TOP_K: positiveInt(20),
  MAX_ENTITY_TOKENS: positiveInt(6000),
  MAX_RELATION_TOKENS: positiveInt(8000),
  MAX_TOTAL_TOKENS: positiveInt(30000),
  /** Vector matches below this cosine similarity are dropped. */
  COSINE_THRESHOLD: z.coerce.number().finite().min(-1).max(1).default(0.2),
  /**
   * Related chunks per entity or relation: VECTOR keeps `RELATED_CHUNK_NUMBER x items / 2` of
   * all their source chunks, WEIGHT gives the first item this many and the last one.
   */
  RELATED_CHUNK_NUMBER: positiveInt(5),
  /** LightRAG's `KG_CHUNK_PICK_METHOD`: VECTOR (by similarity to the query) or WEIGHT (weighted polling). */
  KG_CHUNK_PICK_METHOD: z
    .string()
    .trim()
    .default("VECTOR")
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(["VECTOR", "WEIGHT"])),
  /**
   * Mix mode also ranks chunks by Personalized PageRank over the entity-chunk graph (as the
   * `ppr` mode) and merges that list first; false keeps LightRAG's mix exactly.
   */
  QUERY_MIX_PPR: bool(false),
  /**
   * Serve queries' graph look-ups from the per-workspace graph index Durable Object (a copy of
   * D1's graph rebuilt after writes); false reads D1 every time.
   */
  GRAPH_INDEX_ENABLED: bool(true),
  /**
   * Fuse BM25 (FTS5) hits with the vector matches of chunks, entities and relations
   * (reciprocal-rank fusion); false retrieves by vectors alone, as LightRAG does.
   */
  LEXICAL_SEARCH_ENABLED: bool(true),
  /** Upper bound of `max_nodes` on `GET /graphs`. */
  MAX_GRAPH_NODES: positiveInt(1000),
  /** Name and tag of the model the Ollama-compatible API (`/api/chat`) offers: `lightrag:latest`. */
  OLLAMA_EMULATING_MODEL_NAME: z.string().trim().min(1).max(128).default("lightrag"),
  OLLAMA_EMULATING_MODEL_TAG: z.string().trim().min(1).max(64).default("latest"),
};
