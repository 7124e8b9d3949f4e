/** LightRAG's `pipeline_status` object, kept by the coordinator; pure helpers to update it. */

/** LightRAG keeps the last 1000 history lines. */
export const MAX_HISTORY = 1000;

export interface PipelineStatus {
  busy: boolean;
  job_name: string;
  job_start: string | null;
  docs: number;
  batchs: number;
  cur_batch: number;
  request_pending: boolean;
  cancellation_requested: boolean;
  latest_message: string;
  history_messages: string[];
  update_status: Record<string, unknown>;
  /** Jobs running now (several consumer invocations can work at once). */
  active_jobs: number;
}

export const IDLE_STATUS: PipelineStatus = {
  busy: false,
  job_name: "Default Job",
  job_start: null,
  docs: 0,
  batchs: 0,
  cur_batch: 0,
  request_pending: false,
  cancellation_requested: false,
  latest_message: "",
  history_messages: [],
  update_status: {},
  active_jobs: 0,
};

/** Appends a timestamped history line and makes it the latest message. */
export function withMessage(status: PipelineStatus, message: string, now = new Date()): PipelineStatus {
  const line = `${now.toISOString()} ${message}`;
  const history = [...status.history_messages, line];
  return { ...status, latest_message: message, history_messages: history.slice(-MAX_HISTORY) };
}

export function startJob(
  status: PipelineStatus,
  name: string,
  docs: number,
  now = new Date(),
): PipelineStatus {
  const running = status.active_jobs > 0;
  const next: PipelineStatus = {
    ...status,
    busy: true,
    active_jobs: status.active_jobs + 1,
    job_name: running ? status.job_name : name,
    job_start: running ? status.job_start : now.toISOString(),
    docs: running ? status.docs + docs : docs,
    batchs: running ? status.batchs + 1 : 1,
    cur_batch: running ? status.cur_batch : 1,
    cancellation_requested: running ? status.cancellation_requested : false,
  };
  return withMessage(next, `${name}: ${docs} document(s)`, now);
}

export function endJob(status: PipelineStatus, message: string, now = new Date()): PipelineStatus {
  const active = Math.max(0, status.active_jobs - 1);
  const next: PipelineStatus = {
    ...status,
    active_jobs: active,
    busy: active > 0,
    cur_batch: Math.min(status.batchs, status.cur_batch + 1),
    cancellation_requested: active > 0 ? status.cancellation_requested : false,
  };
  return withMessage(next, message, now);
}

/**
 * Ends every job of `status` at once: jobs whose consumer died with its runtime (a crash, an
 * eviction mid-batch) never call `endJob`, and a status left `busy` would refuse clears, graph
 * edits and scans for ever. The coordinator calls this when no job has touched the status for
 * the stall timeout.
 *
 * @example
 * abandonJobs(status, "Abandoned 1 job(s): no progress for 1800 s"); // busy: false, active_jobs: 0
 */
export function abandonJobs(status: PipelineStatus, message: string, now = new Date()): PipelineStatus {
  return withMessage({ ...status, busy: false, active_jobs: 0, cancellation_requested: false }, message, now);
}
