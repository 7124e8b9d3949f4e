/** Helpers for ingestion tests: JSON requests per workspace and polling until documents settle. */
import { SELF } from "cloudflare:test";

export async function api(
  workspace: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = { "LIGHTRAG-WORKSPACE": workspace };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return SELF.fetch(`http://x${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Polls `check` until it returns a value or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

export interface StatusCounts {
  pending: number;
  processing: number;
  processed: number;
  failed: number;
  all: number;
}

/**
 * Waits until the workspace's pipeline has finished its job: its documents can be settled a
 * moment before the job ends (the last batch still folding and closing), more so on a busy machine.
 */
export async function pipelineIdle(workspace: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => {
    const status = await json<{ busy: boolean }>(await api(workspace, "GET", "/documents/pipeline_status"));
    return status.busy ? undefined : true;
  }, timeoutMs);
}

/** Waits until no document of the workspace is pending or processing; returns the counts. */
export async function settled(workspace: string, timeoutMs = 30_000): Promise<StatusCounts> {
  return waitFor(async () => {
    const { status_counts } = await json<{ status_counts: StatusCounts }>(
      await api(workspace, "GET", "/documents/status_counts"),
    );
    return status_counts.pending + status_counts.processing === 0 && status_counts.all > 0
      ? status_counts
      : undefined;
  }, timeoutMs);
}
