/**
 * The workspace coordinator as callers use it: a stub of the Durable Object with the caller's
 * effective runtime flags bound to every call that rebuilds the graph, so the object merges
 * with the flags its entry point resolved (a runtime ENHANCED_PROCESSING=false included).
 */
import type { Flags } from "../flags/names";
import type { GraphEdit } from "../rag/graph-edit/operations";
import type { RebuildReport } from "../rag/knowledge";
import type { GraphEditOutcome, WorkspaceCoordinator } from "./coordinator";
import type { PipelineStatus } from "./pipeline-status";

/** What `processDocuments` needs from the coordinator (the client below, or a test double). */
export interface PipelineCoordinator {
  merge(workspace: string, docIds: string[]): Promise<unknown>;
  unmerge(workspace: string, docIds: string[], error: string): Promise<unknown>;
  beginJob(name: string, docs: number): Promise<void>;
  finishJob(message: string): Promise<void>;
  cancelRequested(): Promise<boolean>;
}

export interface CoordinatorClient extends PipelineCoordinator {
  merge(workspace: string, docIds: string[]): Promise<RebuildReport>;
  unmerge(workspace: string, docIds: string[], error: string): Promise<RebuildReport>;
  deleteDocuments(workspace: string, docIds: string[]): Promise<RebuildReport>;
  clear(workspace: string): Promise<"success" | "busy">;
  /** One manual graph edit, serialised with merges; `busy` while the pipeline runs a job. */
  editGraph(workspace: string, edit: GraphEdit): Promise<GraphEditOutcome>;
  progress(message: string): Promise<void>;
  requestCancel(): Promise<"cancellation_requested" | "not_busy">;
  pipelineStatus(): Promise<PipelineStatus>;
}

/**
 * The coordinator of `workspace`, its graph rebuilds run with `flags`.
 *
 * @example
 * await coordinatorClient(env.COORDINATOR, "default", runtime.flags).deleteDocuments("default", ids);
 */
export function coordinatorClient(
  namespace: DurableObjectNamespace<WorkspaceCoordinator>,
  workspace: string,
  flags: Flags,
): CoordinatorClient {
  const stub = namespace.get(namespace.idFromName(workspace));
  return {
    merge: (ws, docIds) => stub.merge(ws, docIds, flags),
    unmerge: (ws, docIds, error) => stub.unmerge(ws, docIds, error, flags),
    deleteDocuments: (ws, docIds) => stub.deleteDocuments(ws, docIds, flags),
    clear: (ws) => stub.clear(ws, flags),
    editGraph: async (ws, edit) => (await stub.editGraph(ws, edit, flags)) as GraphEditOutcome,
    beginJob: (name, docs) => stub.beginJob(name, docs),
    progress: (message) => stub.progress(message),
    finishJob: (message) => stub.finishJob(message),
    cancelRequested: () => stub.cancelRequested(),
    requestCancel: () => stub.requestCancel(),
    pipelineStatus: () => stub.pipelineStatus(),
  };
}
