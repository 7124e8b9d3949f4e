/**
 * Documents: upload, live pipeline status, and the list (status filter with counts, sorting,
 * paging, selection) with error messages of failed documents, retry failed, delete and clear.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { api } from "../api/client";
import { session } from "../api/session";
import { DOC_STATUSES, type DocStatusResponse, type DocumentsPage } from "../api/types";
import { PipelinePanel } from "../components/pipeline-panel";
import { UploadZone } from "../components/upload-zone";
import {
  awaitingRetry,
  DEFAULT_LIST,
  type ListState,
  paginatedBody,
  type RetryWatch,
  type SortField,
  stillListed,
  toggleSelected,
  toggleSort,
} from "../lib/documents";
import { baseName, formatTime } from "../lib/format";
import { hashHref } from "../lib/hash-route";
import { roleAtLeast } from "../lib/roles";
import { route } from "../router";

const REFRESH_WHILE_ACTIVE_MS = 3_000;
const DELETE_POLL_MS = 1_000;
/** After "Retry failed": how often the list looks for the queue picking the documents up, and how long. */
const RETRY_POLL_MS = 1_000;
const RETRY_WATCH_MS = 60_000;

export default function Documents() {
  const list = useSignal<ListState>(DEFAULT_LIST);
  const page = useSignal<DocumentsPage | null>(null);
  const error = useSignal<string | null>(null);
  const notice = useSignal<string | null>(null);
  const selected = useSignal<Set<string>>(new Set());
  // Deletions run in the background: their rows stay (marked) until the list no longer has them.
  const deleting = useSignal<Set<string>>(new Set());
  // A retry is queued: the failed documents stay failed until the queue takes them.
  const retryWatch = useSignal<RetryWatch | null>(null);
  const reload = useSignal(0);
  const poke = useSignal(0);
  const canWrite = roleAtLeast(session.value?.role ?? "", "user");
  // A reference link (`#/documents?file=…`) shows that document among the newest 200.
  const file = route.value.params.file;

  useSignalEffect(() => {
    void session.value?.workspace;
    void reload.value;
    const state = route.value.params.file ? { ...list.value, page: 1, pageSize: 200 } : list.value;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const answer = await api<DocumentsPage>("/documents/paginated", {
          method: "POST",
          json: paginatedBody(state),
        });
        if (stopped) return;
        page.value = answer;
        error.value = null;
        const waiting = stillListed(
          deleting.peek(),
          answer.documents.map((d) => d.id),
        );
        if (waiting.size !== deleting.peek().size) deleting.value = waiting;
        const retrying = awaitingRetry(
          retryWatch.peek(),
          answer.status_counts.failed ?? 0,
          Date.now(),
          RETRY_WATCH_MS,
        );
        if (!retrying && retryWatch.peek()) retryWatch.value = null;
        // Keep refreshing while documents are on their way (or going), so rows move without a click.
        const active = (answer.status_counts.pending ?? 0) + (answer.status_counts.processing ?? 0);
        if (active > 0 || waiting.size > 0 || retrying)
          timer = setTimeout(
            load,
            waiting.size > 0 ? DELETE_POLL_MS : retrying ? RETRY_POLL_MS : REFRESH_WHILE_ACTIVE_MS,
          );
      } catch (e) {
        if (stopped) return;
        error.value = e instanceof Error ? e.message : String(e);
        // A passing outage must not freeze the list: try again shortly.
        timer = setTimeout(load, REFRESH_WHILE_ACTIVE_MS);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });

  const act = async (
    label: string,
    run: () => Promise<{ message?: string; status?: string }>,
    removes: string[] = [],
  ) => {
    notice.value = null;
    try {
      const answer = await run();
      if (removes.length > 0) deleting.value = new Set([...deleting.value, ...removes]);
      notice.value = answer.message ?? `${label}: ${answer.status ?? "done"}`;
      selected.value = new Set();
      reload.value++;
      poke.value++;
    } catch (e) {
      notice.value = `${label} failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  };

  const deleteSelected = () => {
    const ids = [...selected.value];
    if (ids.length === 0 || !confirm(`Delete ${ids.length} document(s) and their graph data?`)) return;
    void act(
      "Delete",
      () => api("/documents/delete_document", { method: "DELETE", json: { doc_ids: ids } }),
      ids,
    );
  };
  const clearAll = () => {
    if (!confirm(`Delete every document of workspace "${session.value?.workspace}"? This cannot be undone.`))
      return;
    void act("Clear", () => api("/documents", { method: "DELETE" }));
  };
  const retryFailed = () => {
    const watch = { failedAtClick: page.value?.status_counts.failed ?? 0, since: Date.now() };
    void act("Retry", async () => {
      const answer = await api<{ message?: string; status?: string }>("/documents/reprocess_failed", {
        method: "POST",
      });
      retryWatch.value = watch;
      return answer;
    });
  };

  const counts = page.value?.status_counts ?? {};
  const all = page.value?.documents ?? [];
  const docs = file
    ? all.filter((d) => d.file_path === file || baseName(d.file_path) === baseName(file))
    : all;
  const pagination = page.value?.pagination;
  const sortHeader = (field: SortField, label: string) => {
    const active = list.value.sortField === field;
    return (
      <th aria-sort={active ? (list.value.sortDirection === "asc" ? "ascending" : "descending") : "none"}>
        <button type="button" onClick={() => (list.value = toggleSort(list.value, field))}>
          {label} {active ? (list.value.sortDirection === "asc" ? "▲" : "▼") : ""}
        </button>
      </th>
    );
  };
  const allOnPage = docs.length > 0 && docs.every((d) => selected.value.has(d.id));

  return (
    <div>
      <h1>Documents</h1>
      <div class="split">
        <UploadZone
          onUploaded={() => {
            reload.value++;
            // The pipeline starts on an upload: show it busy now, not at the next idle poll (8 s).
            poke.value++;
          }}
          disabled={!canWrite}
        />
        <PipelinePanel onChange={() => reload.value++} poke={poke} />
      </div>
      <section class="card" aria-labelledby="list-title" style={{ marginTop: "16px" }}>
        <div class="row">
          <h2 id="list-title" class="grow">
            Workspace <code>{session.value?.workspace}</code>
          </h2>
          <button type="button" onClick={() => reload.value++}>
            Refresh
          </button>
          {canWrite && (
            <>
              <button type="button" onClick={retryFailed} disabled={(counts.failed ?? 0) === 0}>
                Retry failed ({counts.failed ?? 0})
              </button>
              <button
                type="button"
                class="danger"
                onClick={deleteSelected}
                disabled={selected.value.size === 0}
              >
                Delete selected ({selected.value.size})
              </button>
              <button type="button" class="danger" onClick={clearAll}>
                Clear workspace
              </button>
            </>
          )}
        </div>
        <fieldset class="row plain" style={{ margin: "8px 0" }}>
          <legend class="visually-hidden">Filter by status</legend>
          {(["all", ...DOC_STATUSES] as const).map((status) => (
            <button
              type="button"
              key={status}
              aria-pressed={list.value.status === status}
              class={list.value.status === status ? "primary" : ""}
              onClick={() => (list.value = { ...list.value, status, page: 1 })}
            >
              {status} ({counts[status] ?? 0})
            </button>
          ))}
        </fieldset>
        {file && (
          <p class="notice">
            Showing the document <strong>{baseName(file)}</strong> (from a reference).{" "}
            <a href={hashHref("/documents")}>Show all documents</a>
          </p>
        )}
        {notice.value && <p role="status">{notice.value}</p>}
        {error.value && (
          <p role="alert" class="error">
            {error.value}
          </p>
        )}
        <div class="scroll">
          <table>
            <caption class="visually-hidden">Documents of the workspace</caption>
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allOnPage}
                    onChange={() => {
                      const next = new Set(selected.value);
                      for (const d of docs) allOnPage ? next.delete(d.id) : next.add(d.id);
                      selected.value = next;
                    }}
                  />
                </th>
                {sortHeader("file_path", "File")}
                <th>Summary</th>
                <th>Status</th>
                <th>Chunks</th>
                {sortHeader("created_at", "Created")}
                {sortHeader("updated_at", "Updated")}
                {sortHeader("id", "ID")}
              </tr>
            </thead>
            <tbody>
              {docs.map((doc) => (
                <DocRow
                  key={doc.id}
                  doc={doc}
                  checked={selected.value.has(doc.id)}
                  deleting={deleting.value.has(doc.id)}
                  onToggle={() => (selected.value = toggleSelected(selected.value, doc.id))}
                />
              ))}
              {docs.length === 0 && (
                <tr>
                  <td colSpan={8} class="muted">
                    {page.value ? "No documents." : "Loading…"}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {pagination && (
          <nav class="row" aria-label="Pages" style={{ marginTop: "8px" }}>
            <button
              type="button"
              disabled={!pagination.has_prev}
              onClick={() => (list.value = { ...list.value, page: list.value.page - 1 })}
            >
              Previous
            </button>
            <span>
              Page {pagination.page} of {pagination.total_pages} ({pagination.total_count} documents)
            </span>
            <button
              type="button"
              disabled={!pagination.has_next}
              onClick={() => (list.value = { ...list.value, page: list.value.page + 1 })}
            >
              Next
            </button>
            <label class="inline">
              Per page
              <select
                value={String(list.value.pageSize)}
                onChange={(e) =>
                  (list.value = { ...list.value, pageSize: Number(e.currentTarget.value), page: 1 })
                }
              >
                {[10, 20, 50, 100, 200].map((n) => (
                  <option key={n} value={String(n)}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </nav>
        )}
      </section>
    </div>
  );
}

function DocRow({
  doc,
  checked,
  deleting,
  onToggle,
}: {
  doc: DocStatusResponse;
  checked: boolean;
  deleting: boolean;
  onToggle: () => void;
}) {
  const name = baseName(doc.file_path) || doc.id;
  return (
    <tr data-testid="doc-row" data-status={doc.status} aria-busy={deleting || undefined}>
      <td>
        <input type="checkbox" aria-label={`Select ${name}`} checked={checked} onChange={onToggle} />
      </td>
      <td title={doc.file_path ?? ""}>{name}</td>
      <td>
        <span class="small">{doc.content_summary.slice(0, 120)}</span>
        {doc.error_msg && (
          <details>
            <summary class="error">Error</summary>
            <p class="error small">{doc.error_msg}</p>
          </details>
        )}
      </td>
      <td>
        <span class={`badge status-${doc.status}`}>{doc.status}</span>
        {deleting && <span class="badge status-pending">deleting…</span>}
      </td>
      <td>{doc.chunks_count ?? ""}</td>
      <td title={doc.created_at}>{formatTime(doc.created_at)}</td>
      <td title={doc.updated_at}>{formatTime(doc.updated_at)}</td>
      <td class="small muted" title={doc.id}>
        {doc.id.slice(0, 12)}
      </td>
    </tr>
  );
}
