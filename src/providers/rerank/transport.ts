/** What one reranker endpoint must do; the resilient client adds retries, failover, cache and accounting. */
import type { RerankResult } from "../types";

export interface RerankTransport {
  readonly binding: string;
  readonly model: string;
  readonly host?: string;
  rerank(
    query: string,
    documents: string[],
    topN: number | undefined,
    signal: AbortSignal,
  ): Promise<RerankResult[]>;
}

/** Results as a reranker answers them: valid indexes only, best first. */
export function bestFirst(results: RerankResult[], count: number): RerankResult[] {
  return results
    .filter(
      (r) =>
        Number.isInteger(r.index) && r.index >= 0 && r.index < count && Number.isFinite(r.relevanceScore),
    )
    .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
}
