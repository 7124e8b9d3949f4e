/**
 * The lexical port with the entity and relation look-ups served by the graph index Durable
 * Object's in-memory BM25 (see ./bm25.ts), chunks by D1's FTS5. When the index cannot answer
 * (stale after a write, too large, unreachable) the look-up goes to D1's FTS5 tables, so the
 * answer never waits for a rebuild.
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
   * One call to the index and, for chunks, one D1 statement, side by side.
   *
   * @example
   * await lexical.search(ws, { chunks: q, entities: low, relations: high, limit: 40 });
   */
  async search(workspace: string, request: LexicalRequest): Promise<LexicalResult> {
    const { chunks, entities, relations, limit } = request;
    if (!entities && !relations) return this.d1.search(workspace, request);
    const [graph, chunkHits] = await Promise.all([
      graphIndexOf(this.namespace, workspace)
        .lexical(workspace, { entities, relations, limit })
        .catch((error: unknown) => {
          this.logger?.warn("graph index unavailable, searching D1", { error: String(error) });
          return null;
        }),
      chunks ? this.d1.search(workspace, { chunks, limit }) : null,
    ]);
    const found = graph ?? (await this.d1.search(workspace, { entities, relations, limit }));
    return { chunks: chunkHits?.chunks ?? [], entities: found.entities, relations: found.relations };
  }

  rebuild(workspace: string): Promise<{ chunks: number; entities: number; relations: number }> {
    return this.d1.rebuild(workspace);
  }
}
