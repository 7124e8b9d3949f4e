/** D1 adapter of the query-side graph port: one statement per look-up (see graph-lookup.ts). */
import type { GraphLookup, GraphLookupResult, GraphSearchStore } from "../graph-search";
import { GRAPH_LOOKUP_SQL, type GraphLookupRow, graphLookupArgs, graphLookupResult } from "./graph-lookup";

export class D1GraphSearchStore implements GraphSearchStore {
  constructor(private readonly db: D1Database) {}

  async lookup(workspace: string, request: GraphLookup): Promise<GraphLookupResult> {
    const args = graphLookupArgs(request);
    const row = args
      ? await this.db
          .prepare(GRAPH_LOOKUP_SQL)
          .bind(workspace, ...args)
          .first<GraphLookupRow>()
      : null;
    return graphLookupResult(request, row);
  }
}
