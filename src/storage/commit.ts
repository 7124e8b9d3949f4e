/**
 * Port for the one atomic write of the engine: a merge, an unmerge or a deletion changes the
 * live sources, the graph and the documents' status together, or not at all (D1: one batch).
 */
import type { StatusPatch } from "./documents";
import type { EntitySource, RelationSource } from "./extractions";
import type { EdgeKey, GraphWrite } from "./graph";

export interface KnowledgeCommit {
  /** Documents whose live sources are replaced by the sources below (none = removed). */
  docIds: string[];
  entitySources: EntitySource[];
  relationSources: RelationSource[];
  /** Entities whose every live source row is removed first (manual graph edits: rename, merge, delete). */
  removeEntitySources?: string[];
  /** Relations whose every live source row is removed first. */
  removeRelationSources?: EdgeKey[];
  graph: GraphWrite;
  /** Status for `docIds`, in the same transaction. */
  status?: StatusPatch;
  /** Also delete the documents, their text, chunks and extraction results. */
  deleteDocuments?: boolean;
}

export interface KnowledgeWriter {
  commit(workspace: string, change: KnowledgeCommit): Promise<void>;
  /** Deletes every row of the workspace in every engine table. */
  clearWorkspace(workspace: string): Promise<void>;
}
