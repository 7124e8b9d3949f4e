/**
 * The lexical half of retrieval: one BM25 look-up for the query's chunks (user query), its
 * entities (low-level keywords) and its relations (high-level keywords), started before the
 * query is embedded so it overlaps the embedding call. Hits come back as vector ids, ready to
 * be fused with the vector matches. A failing index degrades to vectors alone (marked
 * `lexical_failed` in Server-Timing) rather than failing the query.
 */
import { entityVectorId, relationVectorId } from "../../storage/vector-ids";
import { type PhaseTimer, timed } from "./timings";
import type { QueryDeps } from "./types";

/** Lexical hits in the vector stores' id space, best first. */
export interface LexicalHits {
  chunks: string[];
  entities: string[];
  relations: string[];
}

export interface LexicalQuery {
  chunks?: string;
  entities?: string;
  relations?: string;
  chunkLimit: number;
  graphLimit: number;
}

export const NO_LEXICAL_HITS: LexicalHits = { chunks: [], entities: [], relations: [] };

/**
 * BM25 hits of each asked kind; no hits when the deps have no lexical store (turned off).
 *
 * @example
 * const hits = await lexicalHits(deps, ws, { chunks: query, chunkLimit: 20, graphLimit: 40 });
 */
export async function lexicalHits(
  deps: QueryDeps,
  workspace: string,
  query: LexicalQuery,
  timer?: PhaseTimer,
): Promise<LexicalHits> {
  const lexical = deps.lexical;
  if (!lexical || (!query.chunks && !query.entities && !query.relations)) return NO_LEXICAL_HITS;
  // Chunks and graph items share one round trip with the larger limit, trimmed per kind.
  const graph = query.entities || query.relations;
  const limit = Math.max(query.chunks ? query.chunkLimit : 0, graph ? query.graphLimit : 0);
  try {
    const found = await timed(timer, "lexical", () =>
      lexical.search(workspace, {
        chunks: query.chunks,
        entities: query.entities,
        relations: query.relations,
        limit,
      }),
    );
    return {
      chunks: found.chunks.slice(0, query.chunkLimit),
      entities: found.entities.slice(0, query.graphLimit).map(entityVectorId),
      relations: found.relations.slice(0, query.graphLimit).map(({ src, tgt }) => relationVectorId(src, tgt)),
    };
  } catch {
    timer?.mark("lexical_failed");
    return NO_LEXICAL_HITS;
  }
}
