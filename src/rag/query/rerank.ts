/**
 * The rerank step of LightRAG's `process_chunks_unified`, after the round-robin merge: the
 * reranker scores every merged chunk against the query and returns the best `chunk_top_k`;
 * chunks under MIN_RERANK_SCORE go (when it is above 0). A reranker that fails or answers
 * nothing leaves the merge order, as LightRAG's `apply_rerank_if_enabled` does.
 */
import type { RerankClient } from "../../providers/types";
import type { RetrievedChunk } from "./types";

export interface RerankInput {
  workspace: string;
  query: string;
  chunks: RetrievedChunk[];
  /** LightRAG's `top_n`: `chunk_top_k`. */
  topN: number;
  minScore: number;
  signal?: AbortSignal;
}

/**
 * `chunks` best first by the reranker, at most `topN`, none under `minScore`.
 *
 * @example
 * const kept = await rerankChunks(reranker, { workspace, query, chunks, topN: 20, minScore: 0 });
 */
export async function rerankChunks(reranker: RerankClient, input: RerankInput): Promise<RetrievedChunk[]> {
  const { chunks } = input;
  if (chunks.length === 0) return [];
  let ranked: { chunk: RetrievedChunk; score: number }[];
  try {
    const results = await reranker.rerank({
      query: input.query,
      documents: chunks.map((chunk) => chunk.content),
      topN: input.topN,
      workspace: input.workspace,
      signal: input.signal,
    });
    ranked = results.flatMap((r) => {
      const chunk = chunks[r.index];
      return chunk ? [{ chunk, score: r.relevanceScore }] : [];
    });
  } catch (error) {
    if (input.signal?.aborted) throw error;
    // The reranker's client has logged and counted the failure; the answer goes on unranked.
    ranked = [];
  }
  // No answer: the merge order, every chunk as if scored 1.0 (LightRAG's default score).
  if (ranked.length === 0) return chunks;
  const kept = input.minScore > 0 ? ranked.filter((r) => r.score >= input.minScore) : ranked;
  return kept.map((r) => r.chunk);
}
