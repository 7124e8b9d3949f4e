/**
 * Port for lexical (BM25) retrieval over chunks, entities and relations: the ranked keys
 * whose text shares the rare words, names and numbers of a query, which embeddings blur.
 * Adapters keep their index in step with the base tables themselves (D1: FTS5 and triggers;
 * Postgres: generated `tsvector` columns with GIN indexes, ranked by `ts_rank`).
 * Callers pass plain text; each adapter builds its own query syntax, so no user text can be
 * a syntax error.
 */
import type { EdgeKey } from "./graph";
import { entityVectorId, relationVectorId } from "./vector-ids";

export interface LexicalRequest {
  /** Text to match against chunk contents (the user query). */
  chunks?: string;
  /** Text to match against entity names and descriptions (low-level keywords). */
  entities?: string;
  /** Text to match against relation endpoints, keywords and descriptions (high-level keywords). */
  relations?: string;
  /** Most keys returned per kind. */
  limit: number;
}

export interface LexicalResult {
  /** Chunk ids, best first. */
  chunks: string[];
  /** Entity names, best first. */
  entities: string[];
  /** Relation keys (`src <= tgt`), best first. */
  relations: EdgeKey[];
}

export interface LexicalStore {
  /**
   * The best matches of each requested kind, in one round trip; a kind not asked for, or
   * text without a searchable word, answers an empty list.
   *
   * @example
   * const hits = await lexical.search(ws, { chunks: "Who wrote Dune in 1965?", limit: 20 });
   * hits.chunks; // ["doc-…-chunk-000", …]
   */
  search(workspace: string, request: LexicalRequest): Promise<LexicalResult>;
  /**
   * Rebuilds the workspace's index from its base rows (recovery; normal writes keep it in step).
   * Returns the rows indexed per kind.
   */
  rebuild(workspace: string): Promise<{ chunks: number; entities: number; relations: number }>;
}

/** Lexical hits in the vector stores' id space (`ent-…`, `rel-…`, chunk ids), best first. */
export interface LexicalHits {
  chunks: string[];
  entities: string[];
  relations: string[];
}

export const NO_LEXICAL_HITS: LexicalHits = { chunks: [], entities: [], relations: [] };

/**
 * A lexical result trimmed per kind (`chunkLimit` chunks, `graphLimit` entities and relations)
 * and keyed as the vector stores key the same items, ready to be fused with vector matches.
 *
 * @example
 * lexicalHitIds({ chunks: ["c1"], entities: ["Dune"], relations: [] }, 20, 40); // { chunks: ["c1"], entities: ["ent-…"], relations: [] }
 */
export function lexicalHitIds(found: LexicalResult, chunkLimit: number, graphLimit: number): LexicalHits {
  return {
    chunks: found.chunks.slice(0, chunkLimit),
    entities: found.entities.slice(0, graphLimit).map(entityVectorId),
    relations: found.relations.slice(0, graphLimit).map(({ src, tgt }) => relationVectorId(src, tgt)),
  };
}
