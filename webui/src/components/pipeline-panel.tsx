/**
 * Live pipeline status of the workspace: busy or idle, current batch, latest messages, and a
 * cancel button. Polls every 2 s while busy and every 8 s while idle; a poke (an upload, a
 * retry, a deletion: a run is about to start) asks at once and then every 2 s for 10 s.
 * `onChange` fires when a run ends so the document list refreshes.
 */
import { type ReadonlySignal, useSignal, useSignalEffect } from "@preact/signals";
import { api } from "../api/client";
import { session } from "../api/session";
import type { PipelineStatus } from "../api/types";
import { pipelineProgress } from "../lib/documents";

const BUSY_POLL_MS = 2_000;
const IDLE_POLL_MS = 8_000;
/** After a poke, how long the panel polls as if busy: the run starts once the queue takes it. */
const EXPECT_RUN_MS = 10_000;

export function PipelinePanel({ onChange, poke }: { onChange: () => void; poke: ReadonlySignal<number> }) {
  const status = useSignal<PipelineStatus | null>(null);
  const error = useSignal<string | null>(null);
  const message = useSignal<string | null>(null);

  useSignalEffect(() => {
    void session.value?.workspace;
    // A signal, not a plain prop: an effect re-runs on signals only.
    const fastUntil = poke.value > 0 ? Date.now() + EXPECT_RUN_MS : 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // Kept across pokes, so the end of a run that was already shown still refreshes the list.
    let wasBusy = status.peek()?.busy ?? false;
    const tick = async () => {
      try {
        const next = await api<PipelineStatus>("/documents/pipeline_status");
        if (stopped) return;
        status.value = next;
        error.value = null;
        if (wasBusy && !next.busy) onChange();
        wasBusy = next.busy;
      } catch (e) {
        error.value = e instanceof Error ? e.message : String(e);
      }
      const soon = status.peek()?.busy || Date.now() < fastUntil;
      if (!stopped) timer = setTimeout(tick, soon ? BUSY_POLL_MS : IDLE_POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });

  const cancel = async () => {
    const answer = await api<{ message: string }>("/documents/cancel_pipeline", { method: "POST" }).catch(
      (e: unknown) => ({ message: String(e) }),
    );
    message.value = answer.message;
  };

  const s = status.value;
  return (
    <section class="card" aria-labelledby="pipeline-title" aria-live="polite">
      <div class="row">
        <h2 id="pipeline-title" class="grow">
          Pipeline{" "}
          <span
            class={`badge ${s?.busy ? "status-processing" : "status-processed"}`}
            data-testid="pipeline-state"
          >
            {s ? (s.busy ? "busy" : "idle") : "…"}
          </span>
        </h2>
        {s?.busy && (
          <button
            type="button"
            class="danger"
            onClick={() => void cancel()}
            disabled={s.cancellation_requested}
          >
            {s.cancellation_requested ? "Cancelling…" : "Cancel pipeline"}
          </button>
        )}
      </div>
      {s?.busy && (
        <p>
          {s.job_name}: {pipelineProgress(s)}
        </p>
      )}
      {s?.latest_message && <p class="muted small">Latest: {s.latest_message}</p>}
      {s && s.history_messages.length > 0 && (
        <details>
          <summary>Recent messages ({s.history_messages.length})</summary>
          <pre class="log">{s.history_messages.slice(-30).join("\n")}</pre>
        </details>
      )}
      {message.value && <p role="status">{message.value}</p>}
      {error.value && <p class="error">{error.value}</p>}
    </section>
  );
}
