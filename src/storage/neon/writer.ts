/**
 * Postgres adapter of the commit port: one transaction per merge, unmerge or deletion (where
 * D1 sends one batch). `commitIn` runs the same statements on a transaction the caller holds,
 * so vectors in the same database (pgvector) can commit with the graph.
 */
import type { Pool } from "@neondatabase/serverless";
import type { KnowledgeCommit, KnowledgeWriter } from "../commit";
import { deleteChunkStatements } from "./chunks";
import { pgTransaction, type Queryable } from "./client";
import { deleteDocumentStatements, statusStatement } from "./documents";
import { deleteResultStatements, sourceUpsertStatements } from "./extractions";
import { graphWriteStatements } from "./graph";
import { deleteInStatements, deletePairStatements, runAll, type Statement } from "./sql";

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

/** The statements of one commit, in D1's order (deletes of live sources first). */
export function commitStatements(workspace: string, change: KnowledgeCommit): Statement[] {
  const statements: Statement[] = [
    ...deleteInStatements("entity_sources", "doc_id", workspace, change.docIds),
    ...deleteInStatements("relation_sources", "doc_id", workspace, change.docIds),
    ...deleteInStatements("entity_sources", "name", workspace, change.removeEntitySources ?? []),
    ...deletePairStatements("relation_sources", workspace, change.removeRelationSources ?? []),
    ...sourceUpsertStatements(workspace, change.entitySources, change.relationSources),
    ...graphWriteStatements(workspace, change.graph),
  ];
  if (change.status && change.docIds.length > 0)
    statements.push(statusStatement(workspace, change.docIds, change.status));
  if (change.deleteDocuments) {
    statements.push(
      ...deleteResultStatements(workspace, change.docIds),
      ...deleteChunkStatements(workspace, change.docIds),
      ...deleteDocumentStatements(workspace, change.docIds),
    );
  }
  return statements;
}

export class PgKnowledgeWriter implements KnowledgeWriter {
  constructor(private readonly pool: Pool) {}

  async commit(workspace: string, change: KnowledgeCommit): Promise<void> {
    const statements = commitStatements(workspace, change);
    if (statements.length === 0) return;
    await pgTransaction(this.pool, (tx) => runAll(tx, statements));
  }

  /** The commit on a transaction the caller holds (and commits). */
  async commitIn(tx: Queryable, workspace: string, change: KnowledgeCommit): Promise<void> {
    await runAll(tx, commitStatements(workspace, change));
  }

  async clearWorkspace(workspace: string): Promise<void> {
    await pgTransaction(this.pool, (tx) =>
      runAll(
        tx,
        ENGINE_TABLES.map((table) => ({
          text: `DELETE FROM ${table} WHERE workspace = $1`,
          values: [workspace],
        })),
      ),
    );
  }
}
