/**
 * The query-side graph port served by the graph index Durable Object, with D1 behind it: a
 * look-up the index cannot answer (stale after a write, unreachable) is read from D1, so a
 * query never waits for a rebuild and never sees an unfinished copy.
 */
import type { Logger } from "../../observability/logger";
import { graphLookupArgs, graphLookupResult } from "../d1/graph-lookup";
import { D1GraphSearchStore } from "../d1/graph-search";
import { durableObjectId } from "../durable-object-ids";
import type {
  FusedGraphLookup,
  FusedGraphLookupResult,
  GraphLookup,
  GraphLookupResult,
  GraphSearchStore,
} from "../graph-search";
import type { GraphIndex } from "./graph-index";

export type GraphIndexNamespace = DurableObjectNamespace<GraphIndex>;

/** The index of `workspace` (one object per workspace). */
export function graphIndexOf(
  namespace: GraphIndexNamespace,
  workspace: string,
): DurableObjectStub<GraphIndex> {
  return namespace.get(durableObjectId(namespace, workspace));
}

/**
 * Tells the index of `workspace` that its graph changed in D1; call after every graph write.
 *
 * @example
 * await writer.commit(ws, change); await invalidateGraphIndex(env.GRAPH_INDEX, ws);
 */
export async function invalidateGraphIndex(namespace: GraphIndexNamespace, workspace: string): Promise<void> {
  await graphIndexOf(namespace, workspace).invalidate();
}

export class IndexedGraphSearchStore implements GraphSearchStore {
  private readonly d1: D1GraphSearchStore;

  constructor(
    private readonly namespace: GraphIndexNamespace,
    db: D1Database,
    private readonly logger?: Logger,
  ) {
    this.d1 = new D1GraphSearchStore(db);
  }

  async lookup(workspace: string, request: GraphLookup): Promise<GraphLookupResult> {
    const args = graphLookupArgs(request);
    if (!args) return graphLookupResult(request, null);
    try {
      const found = await graphIndexOf(this.namespace, workspace).lookup(workspace, request);
      if (found) return { ...found, servedBy: "index" };
    } catch (error) {
      this.logger?.warn("graph index unavailable, reading D1", { error: String(error) });
    }
    return { ...(await this.d1.lookup(workspace, request)), servedBy: "d1" };
  }

  /** BM25, fusion and look-up in the index's one call; null when it cannot (the caller splits them). */
  async lookupFused(workspace: string, request: FusedGraphLookup): Promise<FusedGraphLookupResult | null> {
    try {
      const answer = await graphIndexOf(this.namespace, workspace).fusedLookup(workspace, request);
      if (!answer) return null;
      return { ...answer.found, lexical: answer.lexical, servedBy: "index" };
    } catch (error) {
      this.logger?.warn("graph index unavailable, searching separately", { error: String(error) });
      return null;
    }
  }
}
