/**
 * One Durable Object per workspace that serialises pipeline work and keeps its status.
 * The ingestion issue gives it the queue bookkeeping; today it answers the health probe with
 * the stored pipeline state.
 */
import { DurableObject } from "cloudflare:workers";

export interface PipelineState {
  busy: boolean;
  active: boolean;
}

const STATE_KEY = "pipeline";
const IDLE: PipelineState = { busy: false, active: false };

export class WorkspaceCoordinator extends DurableObject {
  /** Proves the object is reachable and its storage readable; returns the pipeline state. */
  async ping(): Promise<PipelineState> {
    return (await this.ctx.storage.get<PipelineState>(STATE_KEY)) ?? IDLE;
  }
}
