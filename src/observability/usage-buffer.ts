/**
 * Coalesces the LLM usage rows of an isolate's requests: every query records one or two usage
 * events (its keywords, its answer), and each was an upsert of its own, D1's call being the
 * largest single cost of a query's bookkeeping. Events of one counter row are summed in a window
 * of USAGE_WINDOW_MS and written in one batch, one upsert per row.
 *
 * Trade-offs, and why they are safe (as for the metrics, `metrics-buffer.ts`):
 * - Freshness: a row reaches the table at most one window after its request ended. Reads of the
 *   table in this isolate (`GET /admin/llm/usage`) and a workspace purge write the pending rows
 *   first; a read answered by another isolate may miss the last window of this one.
 * - Loss: the request that opens a window keeps its invocation open with `waitUntil` until the
 *   window's write (well inside the 30 s limit), so an isolate that goes idle still writes it.
 *   Only an isolate that dies abruptly loses its pending window, as it loses requests in flight.
 * - Outside an entry point (unit code) and with a window of 0 each event is written at once.
 */
import type { UsageEvent, UsagePort } from "../providers/ports";
import { detachedWaitUntil } from "../runtime/background";
import { addUsage, type UsageDelta, type UsageStore, usageDelta, usageKey } from "../storage/llm-stores";
import { IsolateWindow } from "./isolate-window";

/** A window is written as soon as it holds this many distinct rows. */
export const FLUSH_AT_ROWS = 100;

/** Where a window's rows go: the usage table of the selected backend. */
export interface UsageWriter extends UsagePort {
  recordMany(deltas: UsageDelta[]): Promise<void>;
}

interface Window {
  rows: Map<string, UsageDelta>;
  writer: UsageWriter;
  /** Hears of the window's loss when it is written from a timer or a full window. */
  onError: (error: unknown) => void;
}

function write(window: Window): Promise<void> {
  return window.writer.recordMany([...window.rows.values()]);
}

/** The open window of this isolate (module state lives as long as the isolate). */
const windows = new IsolateWindow<Window>((window) => write(window).catch(window.onError));

/**
 * `writer`, with the events of a request added to the isolate's window instead of written one by
 * one. `onError` hears of a window that could not be written (its counts are lost).
 *
 * @example
 * const usage = coalescedUsage(new D1UsageStore(env.DB), config.USAGE_WINDOW_MS, (e) => log.warn("llm usage rows lost", { error: String(e) }));
 */
export function coalescedUsage(
  writer: UsageWriter,
  windowMs: number,
  onError: (error: unknown) => void,
): UsagePort {
  return {
    async record(event: UsageEvent): Promise<void> {
      const waitUntil = detachedWaitUntil();
      if (!waitUntil || windowMs <= 0) {
        await writer.record(event);
        return;
      }
      const delta = usageDelta(event, Date.now());
      // Another writer's window (a test's fresh providers) goes out first: rows never mix stores.
      const open = windows.peek();
      if (open && open.writer !== writer) waitUntil(windows.sendNow());
      const opened = () => ({ rows: new Map<string, UsageDelta>(), writer, onError });
      const window = windows.current(opened, () => windowMs, waitUntil);
      const key = usageKey(delta);
      const row = window.rows.get(key);
      if (row) addUsage(row, delta);
      else window.rows.set(key, delta);
      if (window.rows.size >= FLUSH_AT_ROWS) waitUntil(windows.sendNow());
    },
  };
}

/**
 * Writes this isolate's pending usage rows now, from the caller's own invocation; resolves once
 * written, rejects (the caller's request fails, the rows are lost) when the write fails. Reads of
 * the table and workspace purges call it first.
 *
 * @example
 * await flushUsage(); const rows = await store.list({ workspace });
 */
export async function flushUsage(): Promise<void> {
  const window = windows.take();
  if (window) await write(window);
}

/**
 * `store` with its reads and deletes preceded by `flushUsage`, so they see every row this isolate
 * has counted.
 *
 * @example
 * const usage = flushingUsage(new D1UsageStore(env.DB));
 */
export function flushingUsage(store: UsageStore): UsageStore {
  return {
    record: (event, now) => store.record(event, now),
    recordMany: (deltas) => store.recordMany(deltas),
    list: async (filter) => {
      await flushUsage();
      return store.list(filter);
    },
    clear: async (workspace) => {
      await flushUsage();
      return store.clear(workspace);
    },
  };
}

/** Rows waiting in the open window (tests). */
export function pendingUsageRows(): number {
  return windows.peek()?.rows.size ?? 0;
}
