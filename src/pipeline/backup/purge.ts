/**
 * Deleting a workspace: every row of it in every workspace-scoped table (documents, chunks,
 * graph, LLM cache, memberships, API keys, the workspace itself) and its vectors. Uses the
 * backup's table list, so a table added to backups is also purged. Backups in R2 keep their
 * copy until retention prunes them (docs/security.md).
 */
import { type GraphChangeListener, requireGraphChangeListener } from "../../storage/d1/graph-change";
import type { VectorStore } from "../../storage/vectors";
import { VECTOR_NAMESPACES } from "../../storage/vectors";
import { existingTables } from "./schema-info";
import { WORKSPACE_TABLES } from "./tables";

/**
 * Deletes workspace `ws` everywhere; returns the rows deleted per table (`vectors:<ns>` too).
 * `onGraphChange` (required) is told once the graph rows are gone (the graph index rebuilds).
 * Callers get it bound from the composition root: `services.purgeWorkspace(ws)`.
 *
 * @example
 * const deleted = await purgeWorkspace(env.DB, vectors, "acme", invalidate); // { documents: 12, chunks: 80, … }
 */
export async function purgeWorkspace(
  db: D1Database,
  vectors: VectorStore | null,
  ws: string,
  onGraphChange: GraphChangeListener,
): Promise<Record<string, number>> {
  requireGraphChangeListener(onGraphChange);
  const deleted: Record<string, number> = {};
  if (vectors) {
    for (const ns of VECTOR_NAMESPACES) {
      deleted[`vectors:${ns}`] = await vectors.count(ws, ns);
      await vectors.clear(ws, ns);
    }
  }
  const tables = await existingTables(db);
  // Children first, the workspace row last, all in one transaction.
  const present = [...WORKSPACE_TABLES].reverse().filter((table) => tables.has(table.name));
  // Rows are counted in the same transaction, before the deletes: D1's `changes` of a DELETE
  // also counts what its triggers wrote (the lexical index), so it is not the table's count.
  const results = await db.batch<{ n: number }>([
    ...present.map((table) =>
      db.prepare(`SELECT COUNT(*) AS n FROM ${table.name} WHERE ${table.workspaceColumn} = ?1`).bind(ws),
    ),
    ...present.map((table) =>
      db.prepare(`DELETE FROM ${table.name} WHERE ${table.workspaceColumn} = ?1`).bind(ws),
    ),
  ]);
  present.forEach((table, i) => {
    deleted[table.name] = results[i]?.results[0]?.n ?? 0;
  });
  await onGraphChange(ws);
  return deleted;
}
