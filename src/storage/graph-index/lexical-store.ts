/**
 * The lexical port served by the graph index Durable Object's in-memory BM25 (see ./bm25.ts),
 * one call for chunks, entities and relations. When the index cannot answer (stale after a
 * write, too large, unreachable) the look-up goes to D1's FTS5 tables, so the answer never
 * waits for a rebuild.
 */
import type { Logger } from "../../observability/logger";
import type { D1LexicalStore } from "../d1/lexical";
import type { LexicalRequest, LexicalResult, LexicalStore } from "../lexical";
import { type GraphIndexNamespace, graphIndexOf } from "./store";

export class IndexedLexicalStore implements LexicalStore {
  constructor(
    private readonly namespace: GraphIndexNamespace,
    private readonly d1: D1LexicalStore,
    private readonly logger?: Logger,
  ) {}

  /**
   * One call to the index; D1's FTS5 when it cannot answer.
   *
   * @example
   * await lexical.search(ws, { chunks: q, entities: low, relations: high, limit: 40 });
   */
  async search(workspace: string, request: LexicalRequest): Promise<LexicalResult> {
    const fromIndex = await graphIndexOf(this.namespace, workspace)
      .lexical(workspace, request)
      .catch((error: unknown) => {
        this.logger?.warn("graph index unavailable, searching D1", { error: String(error) });
        return null;
      });
    return fromIndex ?? this.d1.search(workspace, request);
  }

  rebuild(workspace: string): Promise<{ chunks: number; entities: number; relations: number }> {
    return this.d1.rebuild(workspace);
  }
}
