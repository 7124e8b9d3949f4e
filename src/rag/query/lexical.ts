/**
 * The lexical half of retrieval: one BM25 look-up for the query's chunks (user query), its
 * entities (low-level keywords) and its relations (high-level keywords), started before the
 * query is embedded so it overlaps the embedding call. Hits come back as vector ids, ready to
 * be fused with the vector matches. A failing index degrades to vectors alone (marked
 * `lexical_failed` in Server-Timing) rather than failing the query.
 */
import { type LexicalHits, type LexicalRequest, lexicalHitIds, NO_LEXICAL_HITS } from "../../storage/lexical";
import { type PhaseTimer, timed } from "./timings";
import type { QueryDeps } from "./types";

export type { LexicalHits };
export { NO_LEXICAL_HITS };

export interface LexicalQuery {
  chunks?: string;
  entities?: string;
  relations?: string;
  chunkLimit: number;
  graphLimit: number;
}

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
  try {
    const found = await timed(timer, "lexical", () => lexical.search(workspace, lexicalRequest(query)));
    return lexicalHitIds(found, query.chunkLimit, query.graphLimit);
  } catch {
    timer?.mark("lexical_failed");
    return NO_LEXICAL_HITS;
  }
}

/**
 * The store request of a lexical query: chunks and graph items share one round trip with the
 * larger limit, trimmed per kind afterwards.
 *
 * @example
 * lexicalRequest({ chunks: "Dune", chunkLimit: 20, graphLimit: 40 }); // { chunks: "Dune", limit: 20 }
 */
export function lexicalRequest(query: LexicalQuery): LexicalRequest {
  const graph = query.entities || query.relations;
  return {
    chunks: query.chunks,
    entities: query.entities,
    relations: query.relations,
    limit: Math.max(query.chunks ? query.chunkLimit : 0, graph ? query.graphLimit : 0),
  };
}
