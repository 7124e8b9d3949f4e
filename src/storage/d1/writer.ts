/** D1 adapter of the commit port: one `batch()` (one transaction) per merge, unmerge or deletion. */
import type { KnowledgeCommit, KnowledgeWriter } from "../commit";
import type { EdgeKey } from "../graph";
import { deleteChunkStatements } from "./chunks";
import { deleteDocumentStatements, statusStatement } from "./documents";
import {
  deleteResultStatements,
  ENTITY_SOURCE_COLUMNS,
  entitySourceRow,
  RELATION_SOURCE_COLUMNS,
  relationSourceRow,
} from "./extractions";
import { type GraphChangeListener, requireGraphChangeListener } from "./graph-change";
import { graphWriteStatements } from "./graph-statements";
import { bulkDelete, bulkUpsert, jsonBatches } from "./sql";

/** Every engine table; each is keyed by workspace first. */
const ENGINE_TABLES = [
  "entity_sources",
  "relation_sources",
  "entities",
  "relations",
  "chunk_extractions",
  "chunks",
  "document_contents",
  "documents",
] as const;

/** `DELETE` of every row of `table` whose (src, tgt) is one of `pairs`, batched. */
function deletePairStatements(
  db: D1Database,
  table: string,
  workspace: string,
  pairs: readonly EdgeKey[],
): D1PreparedStatement[] {
  if (pairs.length === 0) return [];
  const sqlText = `DELETE FROM ${table} WHERE workspace = ?1 AND (src, tgt) IN
    (SELECT json_extract(value, '$.src'), json_extract(value, '$.tgt') FROM json_each(?2))`;
  return jsonBatches(pairs.map(({ src, tgt }) => ({ src, tgt }))).map((json) =>
    db.prepare(sqlText).bind(workspace, json),
  );
}

export class D1KnowledgeWriter implements KnowledgeWriter {
  constructor(
    private readonly db: D1Database,
    private readonly onGraphChange: GraphChangeListener,
  ) {
    requireGraphChangeListener(onGraphChange);
  }

  async commit(workspace: string, change: KnowledgeCommit): Promise<void> {
    const db = this.db;
    const statements: D1PreparedStatement[] = [
      ...bulkDelete(db, "entity_sources", "doc_id", workspace, change.docIds),
      ...bulkDelete(db, "relation_sources", "doc_id", workspace, change.docIds),
      ...bulkDelete(db, "entity_sources", "name", workspace, change.removeEntitySources ?? []),
      ...deletePairStatements(db, "relation_sources", workspace, change.removeRelationSources ?? []),
      ...bulkUpsert(
        db,
        "entity_sources",
        ENTITY_SOURCE_COLUMNS,
        workspace,
        change.entitySources.map(entitySourceRow),
      ),
      ...bulkUpsert(
        db,
        "relation_sources",
        RELATION_SOURCE_COLUMNS,
        workspace,
        change.relationSources.map(relationSourceRow),
      ),
      ...graphWriteStatements(db, workspace, change.graph),
    ];
    if (change.status && change.docIds.length > 0)
      statements.push(statusStatement(db, workspace, change.docIds, change.status));
    if (change.deleteDocuments) {
      statements.push(
        ...deleteResultStatements(db, workspace, change.docIds),
        ...deleteChunkStatements(db, workspace, change.docIds),
        ...deleteDocumentStatements(db, workspace, change.docIds),
      );
    }
    if (statements.length === 0) return;
    await db.batch(statements);
    const { graph } = change;
    const graphChanged =
      graph.upsertEntities.length +
        graph.deleteEntities.length +
        graph.upsertRelations.length +
        graph.deleteRelations.length >
      0;
    // A failure here fails the commit's caller, whose retry commits (idempotently) and notifies again.
    // Deleted documents take their chunks, whose texts the graph index copies, with them.
    if (graphChanged || change.deleteDocuments) await this.onGraphChange(workspace);
  }

  async clearWorkspace(workspace: string): Promise<void> {
    await this.db.batch(
      ENGINE_TABLES.map((table) =>
        this.db.prepare(`DELETE FROM ${table} WHERE workspace = ?1`).bind(workspace),
      ),
    );
    await this.onGraphChange(workspace);
  }
}
