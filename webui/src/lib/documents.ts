/** Pure helpers of the Documents page: list request, sorting, selection, upload checks. */
import type { DocStatus } from "../api/types";

export type SortField = "created_at" | "updated_at" | "id" | "file_path";

export interface ListState {
  status: DocStatus | "all";
  page: number;
  pageSize: number;
  sortField: SortField;
  sortDirection: "asc" | "desc";
}

export const DEFAULT_LIST: ListState = {
  status: "all",
  page: 1,
  pageSize: 20,
  sortField: "updated_at",
  sortDirection: "desc",
};

/**
 * The body of `POST /documents/paginated` for a list state.
 *
 * @example
 * paginatedBody({ ...DEFAULT_LIST, status: "failed" }); // { status_filter: "failed", page: 1, ... }
 */
export function paginatedBody(state: ListState) {
  return {
    ...(state.status === "all" ? {} : { status_filter: state.status }),
    page: state.page,
    page_size: state.pageSize,
    sort_field: state.sortField,
    sort_direction: state.sortDirection,
  };
}

/**
 * Clicking a column header: the same column flips direction, a new one starts descending
 * (newest first for dates) and the page goes back to 1.
 */
export function toggleSort(state: ListState, field: SortField): ListState {
  const sortDirection =
    state.sortField === field
      ? state.sortDirection === "asc"
        ? "desc"
        : "asc"
      : field === "file_path" || field === "id"
        ? "asc"
        : "desc";
  return { ...state, sortField: field, sortDirection, page: 1 };
}

/** Adds or removes one id from a selection (a new Set). */
export function toggleSelected(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/**
 * Splits dropped files into accepted and refused (unsupported extension or too large), so a
 * wrong file is reported at once instead of after its upload.
 *
 * @example
 * checkFiles([{ name: "a.pdf", size: 10 }], [".pdf"], 1e6); // { accepted: [..], refused: [] }
 */
export function checkFiles<F extends { name: string; size: number }>(
  files: readonly F[],
  extensions: readonly string[],
  maxBytes: number,
): { accepted: F[]; refused: { file: F; reason: string }[] } {
  const accepted: F[] = [];
  const refused: { file: F; reason: string }[] = [];
  const allowed = new Set(extensions.map((ext) => ext.toLowerCase()));
  for (const file of files) {
    const dot = file.name.lastIndexOf(".");
    const ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (allowed.size > 0 && !allowed.has(ext))
      refused.push({ file, reason: `unsupported type ${ext || "(none)"}` });
    else if (file.size > maxBytes) refused.push({ file, reason: "file too large" });
    else accepted.push(file);
  }
  return { accepted, refused };
}

/** "Batch 2 of 5" style progress of the pipeline, or "" when idle. */
export function pipelineProgress(status: {
  busy: boolean;
  cur_batch: number;
  batchs: number;
  docs: number;
}): string {
  if (!status.busy) return "";
  const batch = status.batchs > 0 ? `batch ${status.cur_batch} of ${status.batchs}` : "starting";
  return `${batch}${status.docs > 0 ? `, ${status.docs} document(s)` : ""}`;
}

/**
 * The ids of a queued deletion that the list still shows: deletion runs in the background, so
 * the page keeps refreshing until this is empty (ids not listed any more are gone).
 *
 * @example
 * stillListed(new Set(["a", "b"]), ["b", "c"]); // Set { "b" }
 */
export function stillListed(ids: ReadonlySet<string>, listed: readonly string[]): Set<string> {
  const shown = new Set(listed);
  return new Set([...ids].filter((id) => shown.has(id)));
}

/** What "Retry failed" waits for: the failed count at the click, and when it was. */
export interface RetryWatch {
  failedAtClick: number;
  since: number;
}

/**
 * Whether the list keeps refreshing after "Retry failed": the reprocessing is queued, so the
 * documents stay `failed` until the queue picks them up, and a list that refreshed only while
 * something is pending or processing would stop right there. It refreshes until fewer
 * documents are failed than at the click (then pending/processing keeps it going), for at most
 * `limitMs` (a retry that fails again at once leaves the count as it was).
 *
 * @example
 * awaitingRetry({ failedAtClick: 2, since: 0 }, 2, 5_000, 60_000); // true: not picked up yet
 * awaitingRetry({ failedAtClick: 2, since: 0 }, 1, 5_000, 60_000); // false: under way
 */
export function awaitingRetry(
  watch: RetryWatch | null,
  failedNow: number,
  now: number,
  limitMs: number,
): boolean {
  if (!watch) return false;
  return failedNow >= watch.failedAtClick && watch.failedAtClick > 0 && now - watch.since < limitMs;
}
