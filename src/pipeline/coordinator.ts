/**
 * One Durable Object per workspace that serialises graph changes and keeps LightRAG's
 * `pipeline_status`. Merges, unmerges, deletions and clears run one at a time through an
 * in-memory chain (D1 and vector calls are I/O, so the object's input gate alone would not
 * keep them from interleaving). `ping()` answers the health probe.
 *
 * Every call that rebuilds the graph carries the caller's effective runtime flags (callers use
 * `coordinatorClient`, which binds them): the object resolves only its config, once per call,
 * and merges with the flags the entry point resolved, so a runtime ENHANCED_PROCESSING=false
 * holds here too.
 */
import { DurableObject } from "cloudflare:workers";
import { type Config, loadConfig } from "../config";
import type { Env } from "../env";
import type { Flags } from "../flags/names";
import { createLogger, type Logger } from "../observability/logger";
import { type GraphEdit, type GraphEditResult, runGraphEdit } from "../rag/graph-edit/operations";
import { type RebuildMode, type RebuildReport, rebuild } from "../rag/knowledge";
import { RagError, type RagErrorKind } from "../rag/types";
import { createServices, type Services } from "../runtime/services";
import {
  abandonJobs,
  endJob,
  IDLE_STATUS,
  type PipelineStatus,
  startJob,
  withMessage,
} from "./pipeline-status";

/**
 * The answer of a graph edit. Domain failures come back as values: an exception thrown in the
 * object reaches the caller as a plain Error, without its RagError kind.
 */
export type GraphEditOutcome =
  | { ok: true; result: GraphEditResult }
  | { ok: false; kind: RagErrorKind | "busy"; message: string };

export interface PipelineState {
  busy: boolean;
  active: boolean;
}

const STATE_KEY = "pipeline";
const STATUS_KEY = "pipeline_status";
/** Epoch ms of the last job call (begin, progress, finish, merge, unmerge): the jobs' heartbeat. */
const TOUCHED_KEY = "pipeline_touched";
const IDLE: PipelineState = { busy: false, active: false };

export class WorkspaceCoordinator extends DurableObject<Env> {
  private chain: Promise<unknown> = Promise.resolve();
  private status: PipelineStatus | null = null;
  private touched: number | null = null;

  /** Proves the object is reachable and its storage readable; returns the pipeline state. */
  async ping(): Promise<PipelineState> {
    return (await this.ctx.storage.get<PipelineState>(STATE_KEY)) ?? IDLE;
  }

  /** Adds the stored extraction results of `docIds` to the graph and marks them processed. */
  merge(workspace: string, docIds: string[], flags: Flags): Promise<RebuildReport> {
    return this.exclusive(flags, workspace, docIds, "merge");
  }

  /** Takes `docIds` out of the graph and marks them failed with `error`. */
  unmerge(workspace: string, docIds: string[], error: string, flags: Flags): Promise<RebuildReport> {
    return this.exclusive(flags, workspace, docIds, "unmerge", error);
  }

  /** Deletes documents with one rebuild for the whole batch. */
  async deleteDocuments(workspace: string, docIds: string[], flags: Flags): Promise<RebuildReport> {
    await this.update((status) => startJob(status, "Deleting documents", docIds.length));
    try {
      return await this.exclusive(flags, workspace, docIds, "delete");
    } finally {
      await this.update((status) => endJob(status, `Deleted ${docIds.length} document(s)`));
    }
  }

  /** Drops every row and vector of the workspace; refuses while a job runs. */
  async clear(workspace: string, flags: Flags): Promise<"success" | "busy"> {
    if ((await this.pipelineStatus()).busy) return "busy";
    return this.serial(async () => {
      await this.withServices(flags, async ({ stores }) => {
        await stores.writer.clearWorkspace(workspace);
        await Promise.all(
          (["entities", "relations", "chunks"] as const).map((ns) => stores.vectors.clear(workspace, ns)),
        );
      });
      await this.update((status) => withMessage(status, "Cleared all documents"));
      return "success" as const;
    });
  }

  /**
   * Applies one manual graph edit, in line with merges and deletions (LightRAG refuses graph
   * mutations while its pipeline is busy: `busy`, which the route answers with 409).
   */
  async editGraph(workspace: string, edit: GraphEdit, flags: Flags): Promise<GraphEditOutcome> {
    if ((await this.pipelineStatus()).busy)
      return { ok: false, kind: "busy", message: "Pipeline is busy, try again later" };
    return this.serial(async () => {
      try {
        return {
          ok: true as const,
          result: await this.withServices(flags, ({ engine }) => runGraphEdit(engine, workspace, edit)),
        };
      } catch (error) {
        if (error instanceof RagError)
          return { ok: false as const, kind: error.kind, message: error.message };
        throw error;
      }
    });
  }

  async beginJob(name: string, docs: number): Promise<void> {
    await this.update((status) => startJob(status, name, docs));
  }

  async progress(message: string): Promise<void> {
    await this.update((status) => withMessage(status, message));
  }

  async finishJob(message: string): Promise<void> {
    await this.update((status) => endJob(status, message));
  }

  async requestCancel(): Promise<"cancellation_requested" | "not_busy"> {
    const status = await this.pipelineStatus();
    if (!status.busy) return "not_busy";
    await this.update((current) =>
      withMessage({ ...current, cancellation_requested: true }, "Cancellation requested"),
    );
    return "cancellation_requested";
  }

  /** Asked by a running consumer, so also its sign of life (kept in memory only: it is frequent). */
  async cancelRequested(): Promise<boolean> {
    this.touched = Date.now();
    return (await this.pipelineStatus()).cancellation_requested;
  }

  /**
   * The status; a `busy` one whose jobs have not called in for DOCUMENT_STALL_TIMEOUT is
   * abandoned first (their consumer died: the stalled-document cron re-runs their documents).
   */
  async pipelineStatus(): Promise<PipelineStatus> {
    this.status ??= (await this.ctx.storage.get<PipelineStatus>(STATUS_KEY)) ?? IDLE_STATUS;
    this.touched ??= (await this.ctx.storage.get<number>(TOUCHED_KEY)) ?? 0;
    const timeout = this.config().DOCUMENT_STALL_TIMEOUT;
    if (this.status.busy && Date.now() - this.touched > timeout * 1000) {
      const jobs = this.status.active_jobs;
      await this.update((status) =>
        abandonJobs(status, `Abandoned ${jobs} job(s): no progress for ${timeout} s`),
      );
    }
    return this.status;
  }

  /** The object's config, resolved once per call (memoised per env by `loadConfig`). */
  private config(): Config {
    const { config } = loadConfig(this.env);
    if (!config) throw new Error("configuration is invalid");
    return config;
  }

  private log(): Logger {
    return createLogger(this.config().LOG_LEVEL, { component: "coordinator" });
  }

  /**
   * Runs `work` on the services of this call, built by the composition root with the caller's
   * flags, and ends their Postgres pool (neon) after it: a call has no `waitUntil`, background
   * work inside it is awaited (src/runtime/background.ts), so nothing uses the pool later.
   */
  private async withServices<T>(flags: Flags, work: (services: Services) => Promise<T>): Promise<T> {
    const services = createServices(this.env, this.config(), flags, this.log());
    try {
      return await work(services);
    } finally {
      await services.close?.();
    }
  }

  private async update(change: (status: PipelineStatus) => PipelineStatus): Promise<void> {
    // Read without the staleness check: an update is itself a sign of life.
    this.status ??= (await this.ctx.storage.get<PipelineStatus>(STATUS_KEY)) ?? IDLE_STATUS;
    const next = change(this.status);
    this.status = next;
    this.touched = Date.now();
    await this.ctx.storage.put({
      [STATUS_KEY]: next,
      [STATE_KEY]: { busy: next.busy, active: next.busy },
      [TOUCHED_KEY]: this.touched,
    });
  }

  /** Records a sign of life of the running jobs (a merge or unmerge between status updates). */
  private async touch(): Promise<void> {
    this.touched = Date.now();
    await this.ctx.storage.put(TOUCHED_KEY, this.touched);
  }

  private exclusive(
    flags: Flags,
    workspace: string,
    docIds: string[],
    mode: RebuildMode,
    error?: string,
  ): Promise<RebuildReport> {
    return this.serial(async () => {
      const started = Date.now();
      await this.touch();
      const report = await this.withServices(flags, ({ engine }) =>
        rebuild(engine, workspace, docIds, mode, error),
      );
      this.log().debug("rebuild done", {
        workspace,
        mode,
        docs: docIds.length,
        duration_ms: Date.now() - started,
        ...report,
      });
      return report;
    });
  }

  /** Runs `task` after every earlier task has settled. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
