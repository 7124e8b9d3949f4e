/**
 * Query playground: every mode, every QueryRequest parameter, streamed answers with progress,
 * references linking to their documents, conversation history, and the retrieved context
 * (entities, relations, chunks from `/query/data`) beside the answer.
 */
import { useSignal } from "@preact/signals";
import { api, streamNdjson } from "../api/client";
import { QUERY_MODES, type QueryMode, type Reference } from "../api/types";
import { baseName } from "../lib/format";
import { hashHref } from "../lib/hash-route";
import {
  applyStreamLine,
  type ChatMessage,
  DEFAULT_FORM,
  progressLine,
  type QueryForm,
  queryBody,
  type StreamState,
} from "../lib/query";

interface ContextData {
  entities: { entity_name: string; entity_type: string; description: string; file_path: string }[];
  relationships: { src_id: string; tgt_id: string; description: string; keywords: string; weight: number }[];
  chunks: { reference_id: string; content: string; file_path: string; chunk_id: string }[];
}

const MODE_HELP: Record<QueryMode, string> = {
  local: "entities near the question's specific terms",
  global: "relations matching its themes",
  hybrid: "local and global together",
  naive: "plain vector search over chunks",
  mix: "graph and chunks (recommended)",
  bypass: "the LLM alone, no retrieval",
};

export default function Query() {
  const form = useSignal<QueryForm>(DEFAULT_FORM);
  const history = useSignal<ChatMessage[]>([]);
  const live = useSignal<StreamState | null>(null);
  const running = useSignal<AbortController | null>(null);
  const context = useSignal<ContextData | null>(null);
  const contextState = useSignal<string>("");

  const set = <K extends keyof QueryForm>(key: K, value: QueryForm[K]) => {
    form.value = { ...form.value, [key]: value };
  };

  const run = async (e: Event) => {
    e.preventDefault();
    const f = form.value;
    if (f.query.trim().length < 3 || running.value) return;
    const body = queryBody(f, history.value);
    const controller = new AbortController();
    running.value = controller;
    history.value = [...history.value, { role: "user", content: f.query.trim(), mode: f.mode }];
    form.value = { ...f, query: "" };
    live.value = { answer: "", references: [], progress: [] };
    void loadContext(body);
    let state: StreamState = { answer: "", references: [], progress: [] };
    try {
      if (f.stream) {
        await streamNdjson(
          "/query/stream",
          { ...body, include_progress: true },
          (line) => {
            state = applyStreamLine(state, line);
            live.value = state;
          },
          controller.signal,
        );
      } else {
        const answer = await api<{ response: string; references?: Reference[] }>("/query", {
          method: "POST",
          json: body,
          signal: controller.signal,
        });
        state = { ...state, answer: answer.response, references: answer.references ?? [] };
      }
    } catch (error) {
      state = {
        ...state,
        error: controller.signal.aborted ? "Stopped" : error instanceof Error ? error.message : String(error),
      };
    }
    history.value = [
      ...history.value,
      {
        role: "assistant",
        content: state.answer,
        mode: f.mode,
        references: state.references,
        progress: state.progress,
        ...(state.responseTime === undefined ? {} : { responseTime: state.responseTime }),
        ...(state.error ? { error: state.error } : {}),
      },
    ];
    live.value = null;
    running.value = null;
  };

  const loadContext = async (body: Record<string, unknown>) => {
    contextState.value = "Retrieving context…";
    context.value = null;
    try {
      const answer = await api<{ status: string; message: string; data: Partial<ContextData> }>(
        "/query/data",
        {
          method: "POST",
          json: { ...body, stream: false },
        },
      );
      context.value = {
        entities: answer.data.entities ?? [],
        relationships: answer.data.relationships ?? [],
        chunks: answer.data.chunks ?? [],
      };
      contextState.value = answer.status === "success" ? "" : answer.message;
    } catch (error) {
      contextState.value = `Context unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const f = form.value;
  return (
    <div>
      <h1>Query</h1>
      <div class="split">
        <section aria-labelledby="conversation-title">
          <h2 id="conversation-title" class="visually-hidden">
            Conversation
          </h2>
          <ol class="conversation" aria-live="polite">
            {history.value.map((m, i) => (
              <Message key={i} message={m} />
            ))}
            {live.value && (
              <li class="card" data-testid="answer-live" aria-busy="true">
                <div class="muted small">
                  {live.value.progress.length > 0
                    ? `Progress: ${live.value.progress.join(" → ")}`
                    : "Sending…"}
                </div>
                <div class="answer">{live.value.answer}</div>
              </li>
            )}
          </ol>
          <form onSubmit={run} class="card">
            <label>
              Question
              <textarea
                rows={3}
                value={f.query}
                onInput={(e) => set("query", e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void run(e);
                }}
                placeholder="Ask about your documents (Ctrl+Enter to send)"
              />
            </label>
            <div class="row">
              <label class="inline" for="query-mode">
                Mode
              </label>
              <select
                id="query-mode"
                value={f.mode}
                onChange={(e) => set("mode", e.currentTarget.value as QueryMode)}
              >
                {QUERY_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {mode} — {MODE_HELP[mode]}
                  </option>
                ))}
              </select>
              <label class="check">
                <input
                  type="checkbox"
                  checked={f.stream}
                  onChange={(e) => set("stream", e.currentTarget.checked)}
                />
                Stream
              </label>
              <span class="grow" />
              {running.value ? (
                <button type="button" onClick={() => running.value?.abort()}>
                  Stop
                </button>
              ) : (
                <button type="submit" class="primary" disabled={f.query.trim().length < 3}>
                  Send
                </button>
              )}
              <button
                type="button"
                onClick={() => (history.value = [])}
                disabled={history.value.length === 0}
              >
                Clear conversation
              </button>
            </div>
            <Parameters form={f} set={set} />
          </form>
        </section>
        <ContextPanel context={context.value} state={contextState.value} />
      </div>
    </div>
  );
}

function Message({ message }: { message: ChatMessage }) {
  return (
    <li class="card" data-testid={message.role === "assistant" ? "answer" : "question"}>
      <div class="muted small">
        {message.role === "user" ? "You" : "Answer"}
        {message.mode ? ` · ${message.mode}` : ""}
      </div>
      <div class="answer">{message.content}</div>
      {progressLine(message) && (
        <div class="muted small" data-testid="answer-progress">
          {progressLine(message)}
        </div>
      )}
      {message.error && (
        <p role="alert" class="error">
          {message.error}
        </p>
      )}
      {message.references && message.references.length > 0 && (
        <div>
          <h3 class="small">References</h3>
          <ul data-testid="references">
            {message.references.map((ref) => (
              <li key={ref.reference_id}>
                [{ref.reference_id}]{" "}
                <a href={hashHref("/documents", { file: ref.file_path })} title={ref.file_path}>
                  {baseName(ref.file_path) || ref.file_path}
                </a>
                {ref.content && ref.content.length > 0 && (
                  <details>
                    <summary class="small">Excerpts ({ref.content.length})</summary>
                    {ref.content.map((text, i) => (
                      <p key={i} class="small">
                        {text}
                      </p>
                    ))}
                  </details>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </li>
  );
}

function NumberField({
  label,
  value,
  onInput,
}: {
  label: string;
  value: string;
  onInput: (v: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={1}
        value={value}
        placeholder="server default"
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </label>
  );
}

function Parameters({
  form: f,
  set,
}: {
  form: QueryForm;
  set: <K extends keyof QueryForm>(key: K, value: QueryForm[K]) => void;
}) {
  const check = (
    key: "onlyNeedContext" | "onlyNeedPrompt" | "includeReferences" | "includeChunkContent",
    label: string,
  ) => (
    <label class="check">
      <input type="checkbox" checked={f[key]} onChange={(e) => set(key, e.currentTarget.checked)} />
      {label}
    </label>
  );
  return (
    <details>
      <summary>Parameters</summary>
      <div class="params">
        <label>
          Response type
          <input value={f.responseType} onInput={(e) => set("responseType", e.currentTarget.value)} />
        </label>
        <NumberField label="Top K (entities/relations)" value={f.topK} onInput={(v) => set("topK", v)} />
        <NumberField label="Chunk top K" value={f.chunkTopK} onInput={(v) => set("chunkTopK", v)} />
        <NumberField
          label="Max entity tokens"
          value={f.maxEntityTokens}
          onInput={(v) => set("maxEntityTokens", v)}
        />
        <NumberField
          label="Max relation tokens"
          value={f.maxRelationTokens}
          onInput={(v) => set("maxRelationTokens", v)}
        />
        <NumberField
          label="Max total tokens"
          value={f.maxTotalTokens}
          onInput={(v) => set("maxTotalTokens", v)}
        />
        <label>
          High-level keywords (comma-separated)
          <input value={f.hlKeywords} onInput={(e) => set("hlKeywords", e.currentTarget.value)} />
        </label>
        <label>
          Low-level keywords (comma-separated)
          <input value={f.llKeywords} onInput={(e) => set("llKeywords", e.currentTarget.value)} />
        </label>
        <label>
          User prompt (instructions for the answer)
          <textarea rows={2} value={f.userPrompt} onInput={(e) => set("userPrompt", e.currentTarget.value)} />
        </label>
        <label>
          History turns sent
          <input
            type="number"
            min={0}
            max={20}
            value={String(f.historyTurns)}
            onInput={(e) => set("historyTurns", Math.max(0, Number(e.currentTarget.value) || 0))}
          />
        </label>
        {check("onlyNeedContext", "Only context (no answer)")}
        {check("onlyNeedPrompt", "Only the prompt")}
        <label>
          Rerank
          <select
            value={f.rerank}
            onChange={(e) => set("rerank", e.currentTarget.value as QueryForm["rerank"])}
          >
            <option value="default">server default</option>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
        </label>
        {check("includeReferences", "Include references")}
        {check("includeChunkContent", "Include chunk text in references")}
      </div>
    </details>
  );
}

function ContextPanel({ context, state }: { context: ContextData | null; state: string }) {
  return (
    <aside class="card" aria-labelledby="context-title" data-testid="context">
      <h2 id="context-title">Retrieved context</h2>
      {state && <p class="muted">{state}</p>}
      {!context && !state && (
        <p class="muted">Ask a question to see the entities, relations and chunks it retrieves.</p>
      )}
      {context && (
        <div class="scroll">
          <details open>
            <summary>Entities ({context.entities.length})</summary>
            <ul>
              {context.entities.map((e) => (
                <li key={e.entity_name}>
                  <a href={hashHref("/graph", { label: e.entity_name })}>{e.entity_name}</a>{" "}
                  <span class="badge">{e.entity_type}</span> <span class="small">{e.description}</span>
                </li>
              ))}
            </ul>
          </details>
          <details>
            <summary>Relations ({context.relationships.length})</summary>
            <ul>
              {context.relationships.map((r) => (
                <li key={`${r.src_id}→${r.tgt_id}`}>
                  <strong>{r.src_id}</strong> → <strong>{r.tgt_id}</strong>{" "}
                  <span class="small">{r.description}</span>
                </li>
              ))}
            </ul>
          </details>
          <details>
            <summary>Chunks ({context.chunks.length})</summary>
            <ul>
              {context.chunks.map((c) => (
                <li key={c.chunk_id}>
                  <span class="muted small">
                    [{c.reference_id}] {baseName(c.file_path)}
                  </span>
                  <p class="small">{c.content.slice(0, 600)}</p>
                </li>
              ))}
            </ul>
          </details>
        </div>
      )}
    </aside>
  );
}
